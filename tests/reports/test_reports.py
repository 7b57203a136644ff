"""Country reports and the final balance, against figures worked out by hand."""

import io
import json

import pytest
from django.core.management import call_command
from django.utils import translation
from openpyxl import load_workbook
from pypdf import PdfReader

from capacita.certificates import services as certificates
from capacita.nominations.models import Nomination
from capacita.programmes.models import Country, Membership, Role
from capacita.reports import figures
from tests.progress.conftest import attend, complete

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def scenario(programme, users):
    """Mexico: the demo participant attended sessions 1 and 2 and was absent from 3,
    completed one course on time and one late, and holds a certificate issued by hand."""
    participant = users["participant"]
    attend(programme, participant, 1)
    attend(programme, participant, 2)
    attend(programme, participant, 3, status="absent")
    complete(programme, participant, "corporate-responsibility")
    complete(programme, participant, "migration-trends", late=True)
    certificates.issue_by_hand(programme, participant, "Excepción documentada", users["manager"])
    return participant


def mexico():
    return Country.objects.get(code="MX")


def test_the_country_report_counts_what_happened(programme, scenario):
    report = figures.country_report(programme, mexico())
    mx = Nomination.objects.filter(programme=programme, country__code="MX")
    nominations = report["nominations"]
    assert nominations["total"] == mx.count()
    assert nominations["by_status"]["accepted"] == mx.filter(status="accepted").count()
    assert nominations["quota"] == 10
    people = Membership.objects.filter(
        programme=programme, role=Role.PARTICIPANT, country__code="MX"
    ).count()
    assert report["participants_n"] == people
    # Only the demo participant has attendance records: 1 present in sessions 1 and 2, 1
    # absent in session 3; everyone else is not recorded yet.
    assert [(s["attended"], s["absent"], s["not_recorded"]) for s in report["attendance"]] == [
        (1, 0, people - 1),
        (1, 0, people - 1),
        (0, 1, people - 1),
    ]
    courses = {line["course"]: line for line in report["completion"]}
    assert courses["corporate-responsibility"]["completed"] == 1
    assert courses["migration-trends"]["late"] == 1
    assert report["certificates"] == 1
    me = next(p for p in report["participants"] if p["email"] == scenario.email)
    assert (me["sessions_attended"], me["courses_completed"], me["certificate"]) == (2, 2, True)
    assert me["requirements_met"] is False


def test_the_focal_point_reads_only_their_countrys_report(client_as, programme, scenario):
    client = client_as("focal_point")
    page = client.get("/en/programmes/crm-2021/reports/MX/")
    assert page.status_code == 200
    assert "Country report: Mexico" in page.content.decode()
    assert client.get("/en/programmes/crm-2021/reports/GT/").status_code == 403
    assert client.get("/en/programmes/crm-2021/balance/").status_code == 403
    assert client_as("participant").get("/en/programmes/crm-2021/reports/MX/").status_code == 403


def test_the_country_pdf_and_workbook_carry_the_same_figures(client_as, programme, scenario):
    client = client_as("manager")
    pdf = client.get("/en/programmes/crm-2021/reports/MX.pdf")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Country report: Mexico" in text and scenario.get_full_name() in text
    assert "1 certificate issued." in text
    workbook = load_workbook(
        io.BytesIO(client.get("/en/programmes/crm-2021/reports/MX.xlsx").content)
    )
    attendance = list(workbook["Attendance"].iter_rows(min_row=2, values_only=True))
    people = figures.country_report(programme, mexico())["participants_n"]
    assert attendance[0][1:] == (1, 0, 0, people - 1)
    emails = [row[1] for row in workbook["Participants"].iter_rows(min_row=2, values_only=True)]
    assert scenario.email in emails


@pytest.mark.pdf
def test_the_balance_page_pdf_and_workbook(client_as, programme, scenario):
    client = client_as("manager")
    client.post(
        "/en/programmes/crm-2021/balance/narrative/",
        {"recommendations": "Más tiempo para los grupos", "lessons": "La interpretación ayudó"},
    )
    content = client.get("/en/programmes/crm-2021/balance/").content.decode()
    balance = figures.programme_balance(programme)
    assert (
        f"{balance['participants_n']} participants; {balance['requirements_met']} met every "
        f"requirement; 1 certificates issued." in content
    )
    assert "Más tiempo para los grupos" in content
    assert 'aria-labelledby="balance-by-country-title balance-by-country-desc"' in content
    pdf = client.get("/en/programmes/crm-2021/balance.pdf")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Final balance" in text and "La interpretación ayudó" in text
    workbook = load_workbook(io.BytesIO(client.get("/en/programmes/crm-2021/balance.xlsx").content))
    assert {
        "Knowledge",
        "Nominations",
        "Attendance",
        "Countries",
        "Group work",
        "Narrative",
    } <= set(workbook.sheetnames)
    countries = {
        row[0]: row for row in workbook["Countries"].iter_rows(min_row=2, values_only=True)
    }
    assert countries["MX"][3] == 1  # the certificate


def test_the_command_writes_the_country_report_and_the_balance(programme, scenario, tmp_path):
    out = io.StringIO()
    call_command("report", "crm-2021", "--country", "mx", stdout=out)
    report = json.loads(out.getvalue())
    assert report == json.loads(
        json.dumps(figures.country_report(programme, mexico()), default=str)
    )
    out = io.StringIO()
    call_command("report", "crm-2021", stdout=out)
    balance = json.loads(out.getvalue())
    assert balance["balance"]["certificates"] == 1 and "knowledge" in balance
    call_command(
        "report",
        "crm-2021",
        "--format",
        "pdf",
        "--country",
        "MX",
        "-o",
        str(tmp_path / "mx.pdf"),
        stdout=io.StringIO(),
    )
    assert (tmp_path / "mx.pdf").read_bytes().startswith(b"%PDF")


def test_the_reports_draw_attendance_with_its_text_alternative(client_as, programme, scenario):
    content = client_as("manager").get("/en/programmes/crm-2021/reports/MX/").content.decode()
    assert 'aria-labelledby="attendance-title attendance-desc"' in content
    people = figures.country_report(programme, mexico())["participants_n"]
    assert f"Session 3: 0 attended, 0 excused, {people - 1} not yet recorded, 1 absent" in content
    balance = client_as("manager").get("/en/programmes/crm-2021/balance/").content.decode()
    assert 'aria-labelledby="attendance-title attendance-desc"' in balance


def test_every_id_on_the_report_pages_is_unique(client_as, programme, scenario):
    # A chart's title and a section's heading once shared an id, and labels must name one.
    import re
    from collections import Counter

    for path in ("/en/programmes/crm-2021/reports/MX/", "/en/programmes/crm-2021/balance/"):
        content = client_as("manager").get(path).content.decode()
        ids = Counter(re.findall(r'\bid="([^"]+)"', content))
        assert [name for name, count in ids.items() if count > 1] == [], path


def test_the_balance_sets_countries_side_by_side(programme, scenario):
    from capacita.evaluation.report import evaluation_report

    balance = figures.programme_balance(programme)
    mx = next(line for line in balance["countries"] if line["country"] == "MX")
    courses = {line["course"]: line for line in mx["completion"]}
    assert (
        courses["corporate-responsibility"]["completed"],
        courses["migration-trends"]["late"],
    ) == (1, 1)
    assert [session["attended"] for session in mx["attendance"]] == [1, 1, 0]
    expected = next(
        (g for g in evaluation_report(programme)["by_country"] if g["label"] == "Mexico"), None
    )
    assert mx["knowledge"] == expected


def test_the_balance_pages_summary_holds_the_whole_reports_figures(programme, scenario):
    """The balance's pages read the evaluation's summary and leave the groups' members out:
    the same figures as the whole report (the JSON report and the workbook keep it all)."""
    from capacita.evaluation.report import evaluation_report

    whole = evaluation_report(programme)
    summary = evaluation_report(programme, whole=False)
    assert whole["knowledge"]["paired_n"] > 0
    assert summary == {key: whole[key] for key in summary}
    assert set(summary) == {
        "programme",
        "respondents",
        "knowledge",
        "by_country",
        "expectations_satisfaction",
        "scales",
    }
    listed = figures.programme_balance(programme, whole)
    shown = figures.programme_balance(programme, summary, members=False)
    groups = [group for session in listed["group_work"] for group in session["groups"]]
    assert any(group["members"] for group in groups)
    assert shown["group_work"] == [
        {
            **session,
            "groups": [
                {key: value for key, value in group.items() if key != "members"}
                for group in session["groups"]
            ],
        }
        for session in listed["group_work"]
    ]
    assert {key: value for key, value in shown.items() if key != "group_work"} == {
        key: value for key, value in listed.items() if key != "group_work"
    }

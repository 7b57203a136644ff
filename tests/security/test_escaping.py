"""What people type is shown as text everywhere: escaped in pages, literal in PDFs, and never
a formula in a spreadsheet or a CSV file.

One fixture gives hostile values to what users and managers type (a participant's names, a
nomination's institution and position, a written test answer, a group's answer, a group's
own vulnerability factor, the balance's texts, an agenda item's title, a profile's name, the
reasons of corrections); each test then reads one page, export or PDF that shows them.
"""

from __future__ import annotations

import csv
import io
import re

import pypdf
import pytest
from django.utils import timezone, translation
from openpyxl import load_workbook

from capacita.agenda.models import AgendaItem
from capacita.attendance import services as attendance
from capacita.audit.models import AuditEvent
from capacita.evaluation.models import Answer, Question, Questionnaire, Response
from capacita.groupwork import services as groupwork
from capacita.groupwork.models import GroupMember, SessionWork
from capacita.nominations.models import Nomination
from capacita.programmes.models import Country
from capacita.reports.models import BalanceNarrative
from capacita.vulnerability import services as vulnerability
from tests.certificates.issued import issued_certificate
from tests.progress.conftest import complete_everything

pytestmark = pytest.mark.django_db

PROGRAMME = "/en/programmes/crm-2021"

SCRIPT = "<script>alert(1)</script>"
FIRST_NAME = f"{SCRIPT}<b>B</b>"
LAST_NAME = '=HYPERLINK("http://x.example","y")'
INSTITUTION = "+cmd|' /C calc'!A0"
POSITION = "@SUM(1+1)"
OTHER_FIRST_NAME = "\t=1+1"
OTHER_LAST_NAME = "-2+3"
TEST_ANSWER = '=HYPERLINK("http://x.example","answer") <script>alert(2)</script>'
GROUP_ANSWER = "-2+3 <script>alert(3)</script>"
FACTOR = "@SUM(9) <script>alert(4)</script>"
LESSONS = "\r=1+2 <i>lesson</i> <script>alert(5)</script>"
RECOMMENDATIONS = '=HYPERLINK("http://x.example","z")'
AGENDA_TITLE = "<script>alert(6)</script> =SUM(1)"
PROFILE = '=HYPERLINK("http://x.example","profile")'
REASON = "=cmd|' /C calc'!A0 <script>alert(7)</script>"

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def hostile(programme, users):
    """Every place a person types into, filled with hostile text."""
    manager = users["manager"]
    participant = users["participant"]
    participant.first_name, participant.last_name = FIRST_NAME, LAST_NAME
    participant.save()
    other = users["participant"].__class__.objects.get(email="participant.do@example.org")
    other.first_name, other.last_name = OTHER_FIRST_NAME, OTHER_LAST_NAME
    other.save()

    nomination = Nomination.objects.create(
        programme=programme,
        country=Country.objects.get(code="MX"),
        first_name=FIRST_NAME,
        last_name=LAST_NAME,
        position=POSITION,
        institution=INSTITUTION,
        email="hostile.nominee@example.org",
    )

    # Sessions attended and courses completed; one attendance corrected with a reason.
    complete_everything(programme, participant)
    attendance.mark_attendance(
        programme.sessions.get(number=1), participant, "present", REASON, manager
    )
    # Issued straight (the service would render and send its PDF: slow, and tested elsewhere).
    certificate = issued_certificate(
        programme, participant, language="en", by_hand=True, reason=REASON
    )

    # A written answer to the pre-test, submitted.
    pre = Questionnaire.objects.get(programme=programme, kind="pre")
    question = Question.objects.filter(section__questionnaire=pre, kind="text").first()
    response = Response.objects.create(
        questionnaire=pre, user=participant, language="en", submitted_at=timezone.now()
    )
    Answer.objects.create(response=response, question=question, text=TEST_ANSWER)

    # The group answers of sessions 2 and 3, a group's own factor, the balance's texts.
    for number in (2, 3):
        session_work = SessionWork.objects.get(session__programme=programme, session__number=number)
        session_work.plenary_open = True
        session_work.save()
        group = GroupMember.objects.get(session_work=session_work, user=participant).group
        for group_question in group.questions.all():
            groupwork.save_answer(group_question, participant, GROUP_ANSWER, 0)
    vulnerability.add_factor(
        vulnerability.assessment_for(group), "individual", "risk", custom_name=FACTOR, note=LESSONS
    )
    vulnerability.save_conclusions(vulnerability.assessment_for(group), GROUP_ANSWER, FACTOR)
    BalanceNarrative.objects.update_or_create(
        programme=programme,
        defaults={"recommendations": RECOMMENDATIONS, "lessons": LESSONS, "updated_by": manager},
    )
    item = AgendaItem.objects.filter(session__programme=programme).first()
    item.title_en = item.title_es = AGENDA_TITLE
    item.save()
    profile = programme.profiles.first()
    profile.name_en = profile.name_es = PROFILE
    profile.save()
    return {
        "participant": participant,
        "other": other,
        "nomination": nomination,
        "certificate": certificate,
        "group": group,
        "session_work": session_work,
    }


# --- Pages -----------------------------------------------------------------------------------

# (role, address, what must be shown escaped). The address may name the participant's id
# ({user}), the group's ({group}) or the certificate's code ({code}).
PAGES = [
    ("manager", "/participants/{user}/", [FIRST_NAME]),
    ("manager", "/board/", [FIRST_NAME]),
    ("manager", "/nominations/mx/", [FIRST_NAME, INSTITUTION, POSITION]),
    ("manager", "/reports/MX/", [FIRST_NAME]),
    ("manager", "/balance/", [GROUP_ANSWER, LESSONS.strip()]),
    ("manager", "/sessions/3/plenary/", [GROUP_ANSWER, FACTOR]),
    ("manager", "/sessions/3/groups/{group}/", [GROUP_ANSWER, FIRST_NAME]),
    ("manager", "/sessions/3/groups/{group}/assessment/", [FACTOR]),
    ("manager", "/sessions/3/groups/", [FIRST_NAME]),
    ("manager", "/tests/pre/responses/{user}/", [FIRST_NAME, TEST_ANSWER]),
    ("manager", "/tests/report/", [TEST_ANSWER]),
    ("manager", "/audit/", [FIRST_NAME, REASON]),
    ("manager", "/certificates/", [FIRST_NAME]),
    ("manager", "/personal-data/", [FIRST_NAME]),
    ("manager", "/sessions/1/attendance/", [FIRST_NAME]),
    ("manager", "/courses/corporate-responsibility/", [FIRST_NAME]),
    ("manager", "/", [AGENDA_TITLE]),
    ("participant", "/me/", []),
    ("participant", "/sessions/3/group/", [GROUP_ANSWER]),
    ("participant", "/tests/pre/", [TEST_ANSWER]),
    ("anonymous", "/verify/{code}/", [FIRST_NAME]),
]


def _address(template: str, hostile) -> str:
    address = template.format(
        user=hostile["participant"].pk,
        group=hostile["group"].pk,
        code=hostile["certificate"].formatted_code,
    )
    return address if address.startswith("/verify/") else PROGRAMME + address


def escaped(text: str) -> str:
    from django.utils.html import escape

    return escape(text)


@pytest.mark.parametrize(("role", "address", "shown"), PAGES, ids=[page[1] for page in PAGES])
def test_pages_show_typed_text_escaped(client_as, hostile, role, address, shown):
    page = client_as(role).get(_address(address, hostile), follow=True)
    assert page.status_code == 200
    html = page.content.decode()
    # No hostile markup is ever written as markup.
    assert not re.search(r"<script>alert\(", html)
    assert "<b>B</b>" not in html
    assert "<i>lesson</i>" not in html
    for text in shown:
        assert escaped(text.strip()) in html.replace("\r\n", "\n"), text


# --- Spreadsheets and CSV files --------------------------------------------------------------

EXPORTS = [
    ("/board.xlsx", [FIRST_NAME, LAST_NAME, OTHER_LAST_NAME]),
    ("/board.csv", [FIRST_NAME, LAST_NAME, OTHER_FIRST_NAME, OTHER_LAST_NAME]),
    ("/reports/MX.xlsx", [FIRST_NAME]),
    ("/balance.xlsx", [GROUP_ANSWER, TEST_ANSWER, LESSONS, RECOMMENDATIONS]),
    ("/tests/report.xlsx", [TEST_ANSWER]),
    ("/audit.csv", [REASON]),
    ("/audit.xlsx", [REASON, f"{FIRST_NAME} {LAST_NAME}"]),
    ("/courses/moodle-users.csv", [FIRST_NAME, LAST_NAME, OTHER_LAST_NAME]),
    ("/nominations/template-en.xlsx", [PROFILE]),
]


def content(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def xlsx_cells(data: bytes) -> list:
    workbook = load_workbook(io.BytesIO(data))
    return [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]


def csv_cells(data: bytes) -> list[str]:
    text = data.decode("utf-8-sig")
    return [value for row in csv.reader(io.StringIO(text, newline="")) for value in row]


def neutralised(value: str) -> str:
    """The text a CSV cell shows once its leading quote is taken off."""
    return value[1:] if value.startswith("'") else value


@pytest.mark.parametrize(("address", "shown"), EXPORTS, ids=[export[0] for export in EXPORTS])
def test_exports_never_hold_a_formula(client_as, hostile, address, shown):
    response = client_as("manager").get(PROGRAMME + address)
    assert response.status_code == 200
    data = content(response)
    if address.endswith(".xlsx"):
        cells = xlsx_cells(data)
        for cell in cells:
            # A formula is a cell of type "f"; text starting with "=" in a string cell is text.
            assert cell.data_type != "f", (cell.coordinate, cell.value)
            if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
                assert cell.data_type == "s", (cell.coordinate, cell.value)
        texts = [cell.value for cell in cells if isinstance(cell.value, str)]
    else:
        texts = csv_cells(data)
        for value in texts:
            assert not value.startswith(FORMULA_STARTS), value
        texts = [neutralised(value) for value in texts]
    joined = "\n".join(texts)
    for text in shown:
        # The text is still readable: whole, or (a name) stripped of its spaces around it.
        assert text in joined or text.strip() in joined, text


# --- PDFs ------------------------------------------------------------------------------------


def pdf_text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return " ".join(page.extract_text() for page in reader.pages)


def squeezed(text: str) -> str:
    """Text without white space: PDF extraction breaks long lines where it likes."""
    return re.sub(r"\s+", "", text)


PDFS = [
    ("/certificates/{certificate}/certificate.pdf", [FIRST_NAME, LAST_NAME]),
    ("/reports/MX.pdf", [FIRST_NAME]),
    ("/balance.pdf", [LESSONS, RECOMMENDATIONS]),
    ("/sessions/3/plenary.pdf", [GROUP_ANSWER, FACTOR]),
]


@pytest.mark.parametrize(("address", "shown"), PDFS, ids=[pdf[0] for pdf in PDFS])
def test_pdfs_show_typed_text_literally(client_as, hostile, address, shown):
    address = address.format(certificate=hostile["certificate"].pk)
    response = client_as("manager").get(PROGRAMME + address)
    assert response.status_code == 200
    text = squeezed(pdf_text(content(response)))
    for typed in shown:
        # Markup typed is shown as its characters, not read as markup.
        assert squeezed(typed) in text, typed


def test_the_verification_page_shows_no_more_than_the_holders_name(client, hostile):
    """The public page names the holder (escaped) and nothing else typed about them."""
    certificate = hostile["certificate"]
    html = client.get(f"/en/verify/{certificate.formatted_code}/").content.decode()
    assert escaped(FIRST_NAME) in html
    for private in (hostile["participant"].email, escaped(INSTITUTION), escaped(REASON)):
        assert private not in html


def test_the_hostile_reason_is_in_the_audit_record(hostile):
    assert AuditEvent.objects.filter(reason=REASON).exists()

"""What people type is shown as text everywhere: escaped in pages, literal in PDFs, and never
a formula in a spreadsheet or a CSV file.

One fixture gives hostile values to what users and managers type (participants' and a
manager's names and e-mail addresses, a nomination's institution and position, a written test
answer, a question's code and text, a choice, a group's name and answer, a group's own
vulnerability factor, the balance's texts, an agenda item's title, a profile's name, a
country's name, a course's code and title, the reasons of corrections); each test then reads
one page, export or PDF that shows them. Every CSV file and workbook is read whole: no cell
of any of them is a formula, and every column that shows typed text is shown to have held a
hostile value (or is named among the columns Capacita fills itself).
"""

from __future__ import annotations

import csv
import fnmatch
import io
import re

import pypdf
import pytest
from django.db import transaction
from django.utils import timezone, translation
from openpyxl import load_workbook

from capacita.agenda.models import AgendaItem
from capacita.attendance import services as attendance
from capacita.audit.models import AuditEvent
from capacita.case_study import services as vulnerability
from capacita.evaluation.models import (
    Answer,
    Choice,
    Question,
    Questionnaire,
    Response,
    Section,
)
from capacita.groupwork import services as groupwork
from capacita.groupwork.models import GroupMember, GroupQuestion, SessionWork, WorkGroup
from capacita.nominations.models import Nomination
from capacita.programmes.models import Country, Membership, Role
from capacita.reports.models import BalanceNarrative
from tests.certificates.issued import issued_certificate
from tests.progress.conftest import OPTIONAL_COURSE, complete_everything
from tests.test_access_matrix import MATRIX

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
# Django's EmailField accepts these.
EMAIL = "=cmd|'/ccalc'!a0@example.org"
OTHER_EMAIL = "-2+3@example.org"
# Where the semicolon is the list separator, a spreadsheet program splits a CSV file's cells
# at semicolons too; a line break outside quotes ends a row.
THIRD_FIRST_NAME = "@Ana;=1+1;"
THIRD_LAST_NAME = "Prueba\n@SUM(1+1)"
MANAGER_FIRST_NAME = "+Manager"
COUNTRY = '=HYPERLINK("http://x.example","country")'
COURSE_CODE = "=1+1"
COURSE_TITLE = "@SUM(3)"
QUESTION_CODE = "-"  # before each question's own code
QUESTION = '=HYPERLINK("http://x.example","question")'
CHOICE = "+choice"
GROUP = "=group"
GROUP_QUESTION = "-question"

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

    # What reaches the files only: addresses, names, and what managers type about the programme.
    participant.email = EMAIL
    participant.save()
    other.email = OTHER_EMAIL
    other.save()
    third = (
        Membership.objects.filter(programme=programme, role=Role.PARTICIPANT, country__code="MX")
        .exclude(user=participant)
        .first()
        .user
    )
    third.first_name, third.last_name = THIRD_FIRST_NAME, THIRD_LAST_NAME
    third.save()
    attendance.mark_attendance(programme.sessions.get(number=1), third, "present", REASON, manager)
    manager.first_name = MANAGER_FIRST_NAME
    manager.save()
    Country.objects.filter(code="MX").update(name_es=COUNTRY, name_en=COUNTRY)
    programme.courses.filter(code=OPTIONAL_COURSE).update(
        code=COURSE_CODE, title_es=COURSE_TITLE, title_en=COURSE_TITLE
    )
    # A choice question outside the knowledge items, whose choices' texts the reports list.
    asked = Question.objects.create(
        section=pre.sections.exclude(kind=Section.Kind.KNOWLEDGE).first(),
        position=99,
        code="U99",
        kind=Question.Kind.SINGLE,
        required=False,
    )
    Choice.objects.create(question=asked, code="a")
    questions = Question.objects.filter(section__questionnaire__programme=programme)
    for each in questions:  # a pre-test's item and the post-test's keep one code
        each.code, each.text_es, each.text_en = QUESTION_CODE + each.code, QUESTION, QUESTION
        each.save()
    Choice.objects.filter(question__in=questions).update(text_es=CHOICE, text_en=CHOICE)
    WorkGroup.objects.filter(session_work__session__programme=programme).update(
        name_es=GROUP, name_en=GROUP
    )
    GroupQuestion.objects.filter(group__session_work__session__programme=programme).update(
        text_es=GROUP_QUESTION, text_en=GROUP_QUESTION
    )
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

# Every CSV file and workbook the platform writes: (role, address, what must still be readable
# in it). Shown as None: read for formulas only (no hostile value reaches it).
EXPORTS = [
    ("manager", "/board.xlsx", [FIRST_NAME, LAST_NAME, OTHER_LAST_NAME, EMAIL, COUNTRY]),
    ("manager", "/board.csv", [FIRST_NAME, LAST_NAME, OTHER_FIRST_NAME, OTHER_LAST_NAME, EMAIL,
                               OTHER_EMAIL, THIRD_FIRST_NAME, THIRD_LAST_NAME, COURSE_TITLE]),
    ("focal_point", "/board.csv", [FIRST_NAME, LAST_NAME, EMAIL, THIRD_FIRST_NAME, COUNTRY]),
    ("manager", "/reports/MX.xlsx", [FIRST_NAME, EMAIL, THIRD_FIRST_NAME, COURSE_CODE]),
    ("manager", "/reports/GT.xlsx", None),
    ("manager", "/balance.xlsx", [GROUP_ANSWER, TEST_ANSWER, LESSONS, RECOMMENDATIONS, GROUP,
                                  GROUP_QUESTION, QUESTION, CHOICE, COUNTRY]),
    ("manager", "/tests/report.xlsx", [TEST_ANSWER, QUESTION, CHOICE, EMAIL, PROFILE]),
    ("manager", "/audit.csv", [REASON, MANAGER_FIRST_NAME, THIRD_FIRST_NAME]),
    ("manager", "/audit.xlsx", [REASON, f"{FIRST_NAME} {LAST_NAME}", MANAGER_FIRST_NAME]),
    ("manager", "/courses/moodle-users.csv", [FIRST_NAME, LAST_NAME, OTHER_LAST_NAME, EMAIL,
                                              OTHER_EMAIL, THIRD_FIRST_NAME, COURSE_CODE]),
    ("manager", "/nominations/template-en.xlsx", [PROFILE]),
    ("manager", "/nominations/template-es.xlsx", [PROFILE]),
]  # fmt: skip

# The columns Capacita fills itself (numbers, dates, codes, its own words, JSON), by export, as
# fnmatch patterns of "<sheet>: <header>" (a CSV file's sheet is ""). Every other column shows
# text people typed, and must have held a hostile value here.
OWN_WORDS = ["*: All requirements met", "*: Certificate", "*: Missing", "*: Figure", "*: Value"]
CODES = ["*: Country"]  # ISO codes in these sheets; the countries' names are "Group"
CAPACITA_COLUMNS = {
    # The sessions' and courses' columns (headed by the courses' titles) hold "attended",
    # "completed late"…
    "/board.*": ["*: Session *", "*: Course on Corporate Responsibility and Labour Migration",
                 "*: Course on Migration Trends in Latin America and the Caribbean",
                 f"*: {COURSE_TITLE}", *OWN_WORDS],
    # The details in words ("Certificate code: …") and as recorded (JSON: "{…").
    "/audit.*": ["*: When *", "*: Action code", "*: Action", "*: Record type", "*: Record",
                 "*: Details", "*: Details as recorded"],
    # Every course's code in every row: the hostile one is course3.
    "/courses/moodle-users.csv": [": course1", ": course2"],
    "/reports/*.xlsx": [*CODES, *OWN_WORDS],
    "/balance.xlsx": [*CODES, *OWN_WORDS, "*: Test", "By sex-gender: Group", "Narrative: Part",
                      "Countries: Completed *"],
    "/tests/report.xlsx": [*CODES, *OWN_WORDS, "*: Test", "By sex-gender: Group"],
    # The accepted values besides the profiles.
    "/nominations/template-*.xlsx": ["Profiles: Sex/gender", "Profiles: Preferred language",
                                     "Perfiles: Sexo/Género", "Perfiles: Idioma preferido"],
}  # fmt: skip

# Where a spreadsheet program may start a cell in a CSV cell's text: its start, and after a
# semicolon (the list separator of Spanish settings) or a line break.
UNPROTECTED = re.compile(r"(?:^|[;\r\n])[=+\-@\t\r]")
PROTECTED = re.compile(r"(?:^|(?<=[;\r\n]))'(?=[=+\-@\t\r])")


def content(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def xlsx_tables(data: bytes) -> dict[str, list[list]]:
    """Each sheet's rows of cells, by sheet title."""
    workbook = load_workbook(io.BytesIO(data))
    return {sheet.title: [list(row) for row in sheet.iter_rows()] for sheet in workbook.worksheets}


def csv_table(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def neutralised(value: str) -> str:
    """The text a CSV cell shows once the quotes put before formula characters are taken off."""
    return PROTECTED.sub("", value)


def assert_no_formula_in_workbook(tables) -> None:
    for title, rows in tables.items():
        for cell in (cell for row in rows for cell in row):
            where = (title, cell.coordinate, cell.value)
            # A formula is a cell of type "f"; text starting with "=" in a string cell is text.
            assert cell.data_type != "f", where
            if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
                assert cell.data_type == "s", where


def assert_no_formula_in_csv(rows) -> None:
    for value in (value for row in rows for value in row):
        assert not UNPROTECTED.search(value), value


def filled_by_capacita(address: str, column: str) -> bool:
    for pattern, columns in CAPACITA_COLUMNS.items():
        if fnmatch.fnmatchcase(address, pattern):
            return any(fnmatch.fnmatchcase(column, own) for own in columns)
    raise AssertionError(f"{address}: not in CAPACITA_COLUMNS")


def columns_without_a_hostile_value(address: str, tables: dict[str, list[list]]) -> list[str]:
    """The columns of typed text (not Capacita's own, holding some text) where no value
    started with a formula character."""
    missing = []
    for table, rows in tables.items():
        if not rows:
            continue
        header, body = rows[0], rows[1:]
        for index, title in enumerate(header):
            column_name = f"{table}: {title or ''}"
            if filled_by_capacita(address, column_name):
                continue
            column = [row[index] for row in body if index < len(row)]
            texts = [value for value in column if isinstance(value, str)]
            if not texts:
                continue  # numbers only, or an empty template
            if not any(text.startswith(FORMULA_STARTS) for text in texts):
                missing.append(column_name)
    return missing


@pytest.mark.parametrize(
    ("role", "address", "shown"), EXPORTS, ids=[f"{role} {address}" for role, address, _ in EXPORTS]
)
def test_exports_never_hold_a_formula(client_as, hostile, role, address, shown):
    response = client_as(role).get(PROGRAMME + address)
    assert response.status_code == 200
    data = content(response)
    if address.endswith(".xlsx"):
        cells = xlsx_tables(data)
        assert_no_formula_in_workbook(cells)
        tables = {
            title: [[cell.value for cell in row] for row in rows] for title, rows in cells.items()
        }
    else:
        rows = csv_table(data)
        assert_no_formula_in_csv(rows)
        tables = {"": [[neutralised(value) for value in row] for row in rows]}
    if shown is None:
        return
    untried = columns_without_a_hostile_value(address, tables)
    assert not untried, f"columns never given a hostile value: {untried}"
    joined = "\n".join(
        value for rows in tables.values() for row in rows for value in row if isinstance(value, str)
    )
    for text in shown:
        # The text is still readable: whole, or (a name) stripped of its spaces around it.
        assert text in joined or text.strip() in joined, text


def test_every_csv_file_and_workbook_is_read_here(programme):
    """A new export without its row in EXPORTS fails here."""
    addresses = set()
    for row in MATRIX.values():
        if row.urls and row.method == "get":
            addresses |= {url for url in built_urls(row, programme) if url.endswith(FILES)}
    read = {re.sub(r"^/(es|en)/programmes/crm-2021", "", url) for url in addresses}
    assert read <= {address for _role, address, _shown in EXPORTS}


FILES = (".csv", ".xlsx")


class _Undone(Exception):
    pass


def built_urls(row, programme) -> list[str]:
    """The row's addresses, what building them saved undone."""
    urls = []
    try:
        with transaction.atomic():
            urls = list(row.urls(programme))
            raise _Undone
    except _Undone:
        pass
    return urls


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
    for private in (escaped(hostile["participant"].email), escaped(INSTITUTION), escaped(REASON)):
        assert private not in html


def test_the_hostile_reason_is_in_the_audit_record(hostile):
    assert AuditEvent.objects.filter(reason=REASON).exists()

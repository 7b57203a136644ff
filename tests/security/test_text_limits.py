"""Every text a person types has a limit (`capacita/shared/text_limits.py`), held by the form or the
view that takes it, by the service behind it and by the model: a text over it is refused
with a message in the person's language, and nothing is saved.

- `test_an_over_long_text_is_refused_and_nothing_saved`: each form and view, posted a text
  one character (or one line) over its limit, as the person who may use it;
- `test_the_model_refuses_an_over_long_text`: each limited field through `full_clean`;
- `test_every_typed_text_field_has_a_limit`: no model's `TextField` without one, but those
  listed with their reason;
- the versions kept of a group's answer, and the number of factors of an assessment.
"""

from __future__ import annotations

import datetime as dt
import html
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone, translation
from django.utils.formats import number_format

from capacita.attendance.models import AttendanceRecord, MeetingReport, NameMatch
from capacita.attendance.services import mark_attendance
from capacita.audit.models import AuditEvent
from capacita.case_study.models import AssessedFactor, Assessment
from capacita.case_study.services import AssessmentError, add_factor, assessment_for
from capacita.certificates.models import Certificate
from capacita.completions.models import CourseCompletion
from capacita.completions.services import mark_completion
from capacita.evaluation.models import Answer, Questionnaire
from capacita.groupwork import services as groupwork
from capacita.groupwork.models import AnswerVersion, GroupMember, SessionWork
from capacita.nominations.models import Nomination
from capacita.privacy.models import RemovalRequest
from capacita.programmes.models import Course
from capacita.reports.models import BalanceNarrative
from capacita.shared import text_limits as limits
from capacita.shared.text_limits import TextLimit
from tests.certificates.issued import issued_certificate
from tests.factories import GroupMemberFactory, GroupQuestionFactory, SessionCaseFactory

pytestmark = pytest.mark.django_db

PROGRAMME = "/en/programmes/crm-2021"


@pytest.fixture(autouse=True)
def in_english():
    """The messages below are read in English, whatever an earlier test of the same process
    left active (a request leaves its language on); a test of Spanish overrides it itself."""
    with translation.override("en"):
        yield


def over(limit: int) -> str:
    """Words one character longer than `limit`."""
    return ("palabra " * (limit // 8 + 1))[: limit + 1]


def lines_over(limit: int) -> str:
    """One line more than `limit`, each a short one."""
    return "\n".join(["línea"] * (limit + 1))


@dataclass
class Posting:
    """Who posts what where, and what must stay as it was."""

    role: str
    path: str
    data: dict
    state: Callable[[], object]
    says: str  # the message, or the part of it that names the limit


def group_of(participant, number):
    session_work = SessionWork.objects.get(session__number=number)
    return GroupMember.objects.get(session_work=session_work, user=participant).group


def events():
    return AuditEvent.objects.count()


def group_answer(users, text):
    question = group_of(users["participant"], 2).questions.first()
    group = question.group
    return Posting(
        "participant",
        f"/sessions/2/groups/{group.pk}/questions/{question.pk}/",
        {"text": text, "version": "0"},
        lambda: list(AnswerVersion.objects.filter(question=question).values()),
        "The group's answer: at most",
    )


def factor_note(users):
    group = group_of(users["participant"], 3)
    return Posting(
        "participant",
        f"/sessions/3/groups/{group.pk}/assessment/factors/",
        {"level": "community", "kind": "risk", "custom_name": "Miedo", "note": over(500)},
        lambda: list(AssessedFactor.objects.values()),
        "The note: at most 500 characters",
    )


def conclusions(users, needs, referrals, says):
    group = group_of(users["participant"], 3)
    return Posting(
        "participant",
        f"/sessions/3/groups/{group.pk}/assessment/conclusions/",
        {"needs": needs, "referrals": referrals},
        lambda: list(Assessment.objects.values("needs", "referrals")),
        says,
    )


def written_answer(users):
    questionnaire = Questionnaire.objects.get(kind="pre")
    now = timezone.now()
    questionnaire.opens_at, questionnaire.closes_at = (
        now - dt.timedelta(hours=1),
        now + dt.timedelta(hours=1),
    )
    questionnaire.save()
    return Posting(
        "participant",
        "/tests/pre/",
        {"E04": over(limits.TEST_ANSWER)},
        lambda: list(Answer.objects.values()),
        "Question E04: at most 5,000 characters",
    )


def balance(users, recommendations, lessons, says):
    return Posting(
        "manager",
        "/balance/narrative/",
        {"recommendations": recommendations, "lessons": lessons},
        lambda: list(BalanceNarrative.objects.values("recommendations", "lessons")),
        says,
    )


def attendance_mark(users):
    return Posting(
        "manager",
        "/sessions/1/attendance/mark/",
        {"user": users["participant"].pk, "status": "present", "reason": over(limits.REASON)},
        lambda: (list(AttendanceRecord.objects.values()), events()),
        "The reason: at most 2,000 characters",
    )


def attendance_unmark(users, programme):
    mark_attendance(
        programme.sessions.get(number=1),
        users["participant"],
        "absent",
        "Sin cámara.",
        users["manager"],
    )
    return Posting(
        "manager",
        "/sessions/1/attendance/unmark/",
        {"user": users["participant"].pk, "reason": over(limits.REASON)},
        lambda: (list(AttendanceRecord.objects.values()), events()),
        "The reason: at most 2,000 characters",
    )


def attendance_unmatch(users, programme):
    match = NameMatch.objects.create(
        programme=programme, meeting_name="Invitada", meeting_email="", user=users["participant"]
    )
    return Posting(
        "manager",
        "/sessions/1/attendance/unmatch/",
        {"match": match.pk, "reason": over(limits.REASON)},
        lambda: (list(NameMatch.objects.values()), events()),
        "The reason: at most 2,000 characters",
    )


def attendance_report(users, programme):
    report = MeetingReport.objects.create(
        session=programme.sessions.get(number=1),
        uploaded_by=users["manager"],
        filename="zoom.csv",
        sha256=uuid.uuid4().hex,
    )
    return Posting(
        "manager",
        f"/sessions/1/attendance/reports/{report.pk}/remove/",
        {"reason": over(limits.REASON)},
        lambda: (list(MeetingReport.objects.values("pk")), events()),
        "The reason: at most 2,000 characters",
    )


COURSE = "corporate-responsibility"


def completion_mark(users):
    return Posting(
        "manager",
        f"/courses/{COURSE}/mark/",
        {"user": users["participant"].pk, "completed": "yes", "reason": over(limits.REASON)},
        lambda: (list(CourseCompletion.objects.values()), events()),
        "The reason: at most 2,000 characters",
    )


def completion_unmark(users):
    course = Course.objects.get(code=COURSE)
    mark_completion(course, users["participant"], True, "Lo terminó.", users["manager"])
    return Posting(
        "manager",
        f"/courses/{COURSE}/unmark/",
        {"user": users["participant"].pk, "reason": over(limits.REASON)},
        lambda: (list(CourseCompletion.objects.values()), events()),
        "The reason: at most 2,000 characters",
    )


def certificate_by_hand(users):
    return Posting(
        "manager",
        "/certificates/by-hand/",
        {"user": users["participant"].pk, "reason": over(limits.REASON)},
        lambda: (list(Certificate.objects.values()), events()),
        "The reason: at most 2,000 characters",
    )


def certificate_ended(users, programme, action):
    certificate = issued_certificate(programme, users["participant"], language="en")
    return Posting(
        "manager",
        f"/certificates/{certificate.pk}/{action}/",
        {"reason": over(limits.REASON)},
        lambda: (list(Certificate.objects.values()), events()),
        "The reason: at most 2,000 characters",
    )


def nomination_decision(programme):
    nomination = Nomination.objects.filter(
        programme=programme, status=Nomination.Status.SUBMITTED
    ).first()
    return Posting(
        "manager",
        "/nominations/decide/",
        {"action": "reject", "nominations": [nomination.pk], "reason": over(limits.REASON)},
        lambda: (list(Nomination.objects.values("pk", "status", "decision_reason")), events()),
        "The reason: at most 2,000 characters",
    )


def removal_request():
    return Posting(
        "participant",
        "/me/removal/",
        {"message": over(limits.MESSAGE)},
        lambda: list(RemovalRequest.objects.values()),
        "At most 2,000 characters, please: this text has 2,001.",
    )


def anonymise_person(users):
    return Posting(
        "manager",
        "/personal-data/anonymise-person/",
        {
            "person-person": users["participant"].pk,
            "person-reason": over(limits.REASON),
            "person-confirm": "on",
        },
        lambda: (
            users["participant"]
            .__class__.objects.filter(pk=users["participant"].pk)
            .values("first_name", "email")
            .get(),
            events(),
        ),
        "At most 2,000 characters, please: this text has 2,001.",
    )


POSTINGS = {
    "group answer, characters": lambda users, programme: group_answer(
        users, over(limits.GROUP_ANSWER)
    ),
    "group answer, lines": lambda users, programme: group_answer(
        users, lines_over(limits.GROUP_ANSWER_LINES)
    ),
    "factor's note": lambda users, programme: factor_note(users),
    "needs, characters": lambda users, programme: conclusions(
        users, over(limits.ASSESSMENT_TEXT), "", "Needs: at most 5,000 characters"
    ),
    "referrals, lines": lambda users, programme: conclusions(
        users, "", lines_over(limits.ASSESSMENT_LINES), "Services and referrals: at most 100 lines"
    ),
    "test answer": lambda users, programme: written_answer(users),
    "balance's recommendations": lambda users, programme: balance(
        users, over(limits.NARRATIVE), "", "Recommendations: at most 10,000 characters"
    ),
    "balance's lessons, lines": lambda users, programme: balance(
        users, "", lines_over(limits.NARRATIVE_LINES), "Lessons learned: at most 300 lines"
    ),
    "attendance marked by hand": lambda users, programme: attendance_mark(users),
    "attendance mark taken back": attendance_unmark,
    "match taken back": attendance_unmatch,
    "meeting report removed": attendance_report,
    "completion marked by hand": lambda users, programme: completion_mark(users),
    "completion mark taken back": lambda users, programme: completion_unmark(users),
    "certificate by hand": lambda users, programme: certificate_by_hand(users),
    "certificate revoked": lambda users, programme: certificate_ended(users, programme, "revoke"),
    "certificate issued again": lambda users, programme: certificate_ended(
        users, programme, "reissue"
    ),
    "nomination decided": lambda users, programme: nomination_decision(programme),
    "removal request": lambda users, programme: removal_request(),
    "person anonymised": lambda users, programme: anonymise_person(users),
}


@pytest.mark.parametrize("name", POSTINGS)
def test_an_over_long_text_is_refused_and_nothing_saved(client_as, users, programme, name):
    posting = POSTINGS[name](users, programme)
    before = posting.state()
    response = client_as(posting.role).post(PROGRAMME + posting.path, posting.data, follow=True)
    assert response.status_code in (200, 400)
    assert posting.says in html.unescape(response.content.decode())
    assert posting.state() == before


def test_the_message_is_in_the_persons_language(client_as, users):
    posting = group_answer(users, over(limits.GROUP_ANSWER))
    client = client_as("participant")
    path = PROGRAMME.replace("/en/", "/es/") + posting.path
    response = client.post(path, posting.data, follow=True)
    page = html.unescape(response.content.decode())
    with translation.override("es"):  # Spanish groups thousands with a no-break space
        limit, length = (number_format(n, force_grouping=True) for n in (10_000, 10_001))
    assert f"como máximo {limit} caracteres, y este texto tiene {length}" in page
    assert "No se guardó nada." in page


def test_a_refused_answer_comes_back_in_its_text_area_to_be_shortened(client_as, users):
    text = over(limits.GROUP_ANSWER)
    posting = group_answer(users, text)
    response = client_as("participant").post(PROGRAMME + posting.path, posting.data)
    assert response.status_code == 400
    assert text in response.content.decode()


# --- The models -----------------------------------------------------------------------------

LIMITED = [
    ("groupwork.AnswerVersion", "text", limits.GROUP_ANSWER, limits.GROUP_ANSWER_LINES),
    ("groupwork.GroupQuestion", "text_es", limits.QUESTION, None),
    ("groupwork.WorkGroup", "task_en", limits.INSTRUCTIONS, None),
    ("case_study.Assessment", "needs", limits.ASSESSMENT_TEXT, limits.ASSESSMENT_LINES),
    ("case_study.Assessment", "referrals", limits.ASSESSMENT_TEXT, limits.ASSESSMENT_LINES),
    ("case_study.AssessedFactor", "note", limits.FACTOR_NOTE, None),
    ("case_study.Case", "story_es", limits.CASE_STORY, None),
    ("case_study.CaseQuestion", "text_en", limits.QUESTION, None),
    ("evaluation.Answer", "text", limits.TEST_ANSWER, None),
    ("evaluation.Question", "text_es", limits.QUESTION, None),
    ("evaluation.Questionnaire", "intro_en", limits.INSTRUCTIONS, None),
    ("reports.BalanceNarrative", "recommendations", limits.NARRATIVE, limits.NARRATIVE_LINES),
    ("reports.BalanceNarrative", "lessons", limits.NARRATIVE, limits.NARRATIVE_LINES),
    ("attendance.AttendanceRecord", "correction_reason", limits.REASON, None),
    ("completions.CourseCompletion", "reason", limits.REASON, None),
    ("certificates.Certificate", "reason", limits.REASON, None),
    ("certificates.Certificate", "end_reason", limits.REASON, None),
    ("certificates.CertificateDesign", "body_es", limits.CERTIFICATE_TEXT, None),
    ("nominations.Nomination", "decision_reason", limits.REASON, None),
    ("privacy.RemovalRequest", "message", limits.MESSAGE, None),
    ("audit.AuditEvent", "reason", limits.REASON, None),
]


def clean_only(label, field_name, text) -> None:
    """`full_clean`'s check of one field of a new instance holding `text`."""
    model = apps.get_model(label)
    others = [field.name for field in model._meta.fields if field.name != field_name]
    model(**{field_name: text}).clean_fields(exclude=others)


def refused_by_model(label, field_name, text) -> list[str]:
    with pytest.raises(ValidationError) as refused:
        clean_only(label, field_name, text)
    return refused.value.message_dict[field_name]


@pytest.mark.parametrize("label, field_name, chars, lines", LIMITED)
def test_the_model_refuses_an_over_long_text(label, field_name, chars, lines):
    figures = f"{chars:,}", f"{chars + 1:,}"
    assert refused_by_model(label, field_name, over(chars)) == [
        "At most {} characters, please: this text has {}.".format(*figures)
    ]
    if lines is not None:
        assert refused_by_model(label, field_name, lines_over(lines)) == [
            f"At most {lines} lines, please: this text has {lines + 1}."
        ]
    clean_only(label, field_name, "x" * chars)  # at the limit: accepted


def test_a_line_break_counts_as_one_character_as_in_the_browser():
    limit = TextLimit(10)
    limit("abcd\r\nefgh")  # nine characters as a text area counts them
    with pytest.raises(ValidationError):
        limit("abcd\r\nefghij")


# Text fields with no limit, each with its reason. Anything else a person could type into must
# carry a `TextLimit`.
NOT_TYPED = {
    "emails.OutgoingEmail.body_text": "written by the platform from its templates",
    "emails.OutgoingEmail.body_html": "written by the platform from its templates",
    "emails.OutgoingEmail.last_error": "the mail server's answer",
}
# A programme's own content, written by its managers in the programme file
# (docs/programme-file.md) or the administration site, shown on its pages and in no PDF made
# from what participants type: outside this change (`capacita/programmes/`,
# `capacita/agenda/`), limited when those apps are next changed.
PROGRAMME_CONTENT = {
    f"programmes.{field}": "a programme's content, written by its managers"
    for field in (
        "SpecificObjective.text_es",
        "SpecificObjective.text_en",
        "StructureRow.content_es",
        "StructureRow.content_en",
        "Organiser.role_es",
        "Organiser.role_en",
        "Course.description_es",
        "Course.description_en",
    )
} | {
    "agenda.AgendaItem.description_es": "a programme's content, written by its managers",
    "agenda.AgendaItem.description_en": "a programme's content, written by its managers",
}
EXEMPT = NOT_TYPED | PROGRAMME_CONTENT


def test_every_typed_text_field_has_a_limit():
    unlimited = []
    for model in apps.get_models():
        if not model.__module__.startswith("capacita."):
            continue  # Django's and other packages' own models
        for field in model._meta.fields:
            if not isinstance(field, models.TextField):
                continue
            name = f"{model._meta.label}.{field.name}"
            limit = next((v for v in field.validators if isinstance(v, TextLimit)), None)
            if limit is None:
                if name not in EXEMPT:
                    unlimited.append(name)
            else:
                assert field.max_length == limit.chars, name
                assert name not in EXEMPT, f"{name} has a limit: take it off the exemptions"
    assert unlimited == []


# --- Versions kept, factors in an assessment ----------------------------------------------


def test_only_the_latest_versions_of_an_answer_are_kept(db):
    member = GroupMemberFactory()
    question = GroupQuestionFactory(group=member.group)
    kept = limits.GROUP_ANSWER_VERSIONS
    for number in range(kept + 5):
        groupwork.save_answer(question, member.user, f"versión {number + 1}", number)
    numbers = list(question.versions.order_by("number").values_list("number", flat=True))
    assert numbers == list(range(6, kept + 6))
    # A member who started from a version removed since is still told, not overwritten.
    with pytest.raises(groupwork.Conflict) as conflict:
        groupwork.save_answer(question, member.user, "texto viejo", 3)
    assert conflict.value.current.number == kept + 5
    # And one who started from the latest saves the next.
    saved = groupwork.save_answer(question, member.user, "texto nuevo", kept + 5)
    assert saved.number == kept + 6
    assert question.versions.count() == kept


def test_an_assessment_holds_a_bounded_number_of_factors(db):
    studied = SessionCaseFactory()
    assessment = assessment_for(GroupMemberFactory(group__session_work=studied.session_work).group)
    for number in range(limits.FACTORS_PER_ASSESSMENT - assessment.factors.count()):
        add_factor(assessment, "community", "risk", custom_name=f"Factor {number}")
    with pytest.raises(AssessmentError, match="already has 40 factors"):
        add_factor(assessment, "community", "risk", custom_name="Uno más")
    assert assessment.factors.count() == limits.FACTORS_PER_ASSESSMENT

"""Answering, copying and importing the pre-test and post-test. Each change is one
transaction; refusals raise `EvaluationError` with messages in the active language."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from capacita.audit.services import audit_record
from capacita.programmes.events import pages_changed, progress_changed
from capacita.programmes.models import Programme
from capacita.programmes.permissions import can_answer_tests
from capacita.shared import uploads
from capacita.shared.errors import UserError
from capacita.shared.spreadsheets import (
    SheetError,
    cell_text,
    clean,
    decode_text,
    detect_separator,
)
from capacita.shared.text_limits import refusal

from . import scoring
from .models import (
    Answer,
    Choice,
    Question,
    Questionnaire,
    Response,
    Section,
    recount,
    recount_deferred,
)

OPEN = "open"
NOT_YET = "not_yet"
CLOSED = "closed"


class EvaluationError(UserError):
    """A refusal: `message` says why, `problems` lists what to fix (e.g. per question)."""


def questionnaire_window_state(questionnaire: Questionnaire, now: dt.datetime | None = None):
    """ "open", "not_yet" or "closed": the manager's hand decides first, then the dates
    (opens_at inclusive, closes_at exclusive; a missing date does not limit)."""
    now = now or timezone.now()
    if questionnaire.manual_state == Questionnaire.ManualState.OPEN:
        return OPEN
    if questionnaire.manual_state == Questionnaire.ManualState.CLOSED:
        return CLOSED
    if questionnaire.opens_at and now < questionnaire.opens_at:
        return NOT_YET
    if questionnaire.closes_at and now >= questionnaire.closes_at:
        return CLOSED
    return OPEN


def open_or_close(questionnaire: Questionnaire, state: str, actor) -> Questionnaire:
    """Open or close a test now, whatever its dates say, or give it back to its dates
    (`Questionnaire.ManualState`): one transaction, one audit record."""
    if state not in Questionnaire.ManualState.values:
        raise EvaluationError(_("Choose whether the test is open, closed or follows its dates."))
    with transaction.atomic():
        before = questionnaire.manual_state
        questionnaire.manual_state = state
        questionnaire.save(update_fields=["manual_state"])
        audit_record(
            actor=actor,
            action="evaluation.window",
            subject=questionnaire,
            programme=questionnaire.programme,
            details={"state": state, "before": before},
        )
    return questionnaire


def copy_knowledge(programme, actor) -> int:
    """Copy the pre-test's knowledge questions (their sections, questions and choices, the same
    codes, so that "the same question" is recognised and the gain measured) into the
    post-test, after its own sections; a question whose code the post-test already has is not
    copied again. One transaction, one audit record; the number of questions copied. Raises
    EvaluationError, copying nothing, when the post-test has answers or there is nothing to
    copy."""
    tests = {q.kind: q for q in Questionnaire.objects.filter(programme=programme)}
    pre, post = tests.get(Questionnaire.Kind.PRE), tests.get(Questionnaire.Kind.POST)
    if pre is None or post is None:
        raise EvaluationError(_("The programme needs a pre-test and a post-test."))
    if Response.objects.filter(questionnaire=post).exists():
        raise EvaluationError(
            _("The post-test has answers already: its questions stay as they were answered.")
        )
    have = {
        code.casefold()
        for code in Question.objects.filter(section__questionnaire=post).values_list(
            "code", flat=True
        )
    }
    sections = Section.objects.filter(
        questionnaire=pre, kind=Section.Kind.KNOWLEDGE
    ).prefetch_related("questions__choices")
    wanted = [
        (section, [q for q in section.questions.all() if q.code.casefold() not in have])
        for section in sections
    ]
    wanted = [(section, questions) for section, questions in wanted if questions]
    if not wanted:
        raise EvaluationError(
            _("The post-test already asks every knowledge question of the pre-test.")
        )
    copied = sum(len(questions) for _section, questions in wanted)
    with transaction.atomic():
        place = max(post.sections.values_list("position", flat=True), default=0)
        for offset, (section, questions) in enumerate(wanted, start=1):
            _copy_section(section, post, place + offset, questions)
        audit_record(
            actor=actor,
            action="programme.edited",
            subject=programme,
            programme=programme,
            details={"part": "tests", "item": str(post), "change": "copied", "questions": copied},
        )
    return copied


def default_window(programme, kind: str) -> tuple[dt.datetime | None, dt.datetime | None]:
    """When a test opens and closes unless a manager says otherwise: the pre-test from half
    an hour before session 1 starts until two days after (the consultation at the start of
    session 1), the post-test from the start of session 3 — or the last session, in a
    programme with fewer — until a week after it ends. (None, None) without sessions."""
    sessions = {session.number: session for session in programme.sessions.all()}
    if not sessions:
        return None, None
    if kind == Questionnaire.Kind.PRE:
        first = sessions.get(1) or sessions[min(sessions)]
        return first.starts_at - dt.timedelta(minutes=30), first.starts_at + dt.timedelta(days=2)
    last = sessions.get(3) or sessions[max(sessions)]
    return last.starts_at, last.ends_at + dt.timedelta(days=7)


def _questions(questionnaire) -> list[Question]:
    return list(
        Question.objects.filter(section__questionnaire=questionnaire)
        .select_related("section")
        .prefetch_related("choices")
        .order_by("section__position", "position")
    )


def parse_value(question: Question, raw) -> tuple[dict, str | None]:
    """The answer fields for `raw` (a list of codes, a code, "a,c", a number, text), and an
    error message when the value does not fit the question."""
    if question.has_choices:
        if raw is None or raw == "":
            codes = []
        elif isinstance(raw, str):
            codes = [part.strip().lower() for part in raw.split(",") if part.strip()]
        else:
            codes = [str(part).strip().lower() for part in raw if str(part).strip()]
        codes = sorted(set(codes))
        known = {choice.code for choice in question.choices.all()}
        unknown = [code for code in codes if code not in known]
        if unknown:
            return {}, _("%(code)s: “%(value)s” is not one of its options (%(options)s).") % {
                "code": question.code,
                "value": ", ".join(unknown),
                "options": ", ".join(sorted(known)),
            }
        if len(codes) > 1 and question.kind != Question.Kind.MULTIPLE:
            return {}, _("%(code)s: choose only one option.") % {"code": question.code}
        return {"choice_codes": codes, "scale": None, "text": ""}, None
    if question.kind == Question.Kind.SCALE:
        if raw is None or str(raw).strip() == "":
            return {"choice_codes": [], "scale": None, "text": ""}, None
        try:
            value = int(str(raw).strip())
        except ValueError:
            value = 0
        if not 1 <= value <= 5:
            return {}, _("%(code)s: “%(value)s” is not a number from 1 to 5.") % {
                "code": question.code,
                "value": raw,
            }
        return {"choice_codes": [], "scale": value, "text": ""}, None
    text = "" if raw is None else str(raw).strip()
    problem = refusal(Answer, "text", text, what=_("Question %(code)s") % {"code": question.code})
    if problem:
        return {}, problem
    return {"choice_codes": [], "scale": None, "text": text}, None


def _judged(question: Question, values: dict) -> dict:
    """`values` with the answer's kept verdict (`Answer.is_right`)."""
    return {**values, "is_right": scoring.verdict(question, values.get("choice_codes"))}


def answer_key_changed(questions) -> None:
    """Work out again the kept verdict (`Answer.is_right`) of every answer to `questions`
    (questions or their ids) after their key may have changed: which choices are right,
    their codes, the question's kind. The caller's change and this are one transaction (the
    administration site's and the console's saves call it); a few UPDATE statements per
    question, whatever the number of answers."""
    ids = {getattr(question, "pk", question) for question in questions}
    with transaction.atomic():
        for question in Question.objects.filter(pk__in=ids).prefetch_related("choices"):
            write_verdicts(Answer.objects.filter(question=question), question)
        # The responses' kept counts follow, in every test of the questions' programmes (a
        # question may have moved from one test to the other).
        programmes = Questionnaire.objects.filter(sections__questions__in=ids).values(
            "programme_id"
        )
        recount(Response.objects.filter(questionnaire__programme_id__in=programmes))
        # Their scores on the participants' own pages with them.
        for programme in Programme.objects.filter(pk__in=programmes):
            pages_changed(programme)


def write_verdicts(answers, question) -> None:
    """Set `is_right` of `answers` (those of `question`) to their verdict: one UPDATE per
    verdict, over the distinct chosen codes."""
    correct = question.correct_codes()
    by_verdict: dict[bool | None, list] = {}
    for codes in answers.order_by().values_list("choice_codes", flat=True).distinct():
        by_verdict.setdefault(scoring.verdict(question, codes, correct), []).append(codes)
    for value, given in by_verdict.items():
        answers.filter(reduce(or_, (Q(choice_codes=codes) for codes in given))).exclude(
            is_right=value
        ).update(is_right=value)


def _empty(values: dict) -> bool:
    return not values.get("choice_codes") and values.get("scale") is None and not values.get("text")


def save_answers(
    questionnaire: Questionnaire,
    user,
    data: dict,
    submit: bool,
    *,
    now: dt.datetime | None = None,
    language: str | None = None,
) -> Response:
    """Save `user`'s answers (`data`: question code → value) as a draft, or, with `submit`,
    make them final. A draft keeps partial answers; submitting needs every required
    question answered (else nothing becomes final and each missing one is named). Refused
    outside the window, after submission, and for anyone but a participant answering for
    themself. Only the questions named in `data` change."""
    if isinstance(questionnaire, Response):
        questionnaire = questionnaire.questionnaire
    now = now or timezone.now()
    if not can_answer_tests(user, questionnaire.programme):
        raise EvaluationError(_("Only the programme's participants answer its tests."))
    state = questionnaire_window_state(questionnaire, now)
    if state == NOT_YET:
        raise EvaluationError(_("This test is not open yet: nothing was saved."))
    if state == CLOSED:
        raise EvaluationError(_("This test is closed: nothing was saved."))
    with transaction.atomic():
        response, _created = Response.objects.select_for_update().get_or_create(
            questionnaire=questionnaire,
            user=user,
            defaults={"language": language or getattr(user, "language", "es")},
        )
        if response.is_submitted:
            raise EvaluationError(
                _("You already submitted your answers to this test: they cannot be changed.")
            )
        questions = _questions(questionnaire)
        problems = []
        parsed = {}
        for question in questions:
            if question.code not in data:
                continue
            values, error = parse_value(question, data[question.code])
            if error:
                problems.append(error)
            else:
                parsed[question] = _judged(question, values)
        if problems:
            raise EvaluationError(_("Some answers could not be saved."), problems)
        with recount_deferred():
            for question, values in parsed.items():
                Answer.objects.update_or_create(
                    response=response, question=question, defaults=values
                )
        recount([response.pk])
        if language:
            response.language = language
        if submit:
            answered = {
                answer.question_id for answer in response.answers.all() if not answer.is_empty
            }
            missing = [q for q in questions if q.required and q.pk not in answered]
            if not missing:
                response.submitted_at = now
                audit_record(
                    actor=user,
                    action="evaluation.submitted",
                    subject=response,
                    programme=questionnaire.programme,
                    details={"kind": questionnaire.kind},
                )
        else:
            missing = []
        response.save()
        if response.is_submitted and questionnaire.kind == Questionnaire.Kind.POST:
            progress_changed(questionnaire.programme, [user.pk])
        else:
            # Their page shows the test started or answered, with its score.
            pages_changed(questionnaire.programme, [user.pk])
    if missing:
        # The draft stands (its transaction is committed); the submission does not.
        raise MissingAnswers(missing)
    return response


class MissingAnswers(EvaluationError):
    """Submission refused: required questions unanswered (the draft was kept)."""

    def __init__(self, missing):
        super().__init__(
            _("Your answers were saved but not submitted: some required questions are unanswered."),
            [
                _("Question %(code)s is required: %(text)s") % {"code": q.code, "text": q.text}
                for q in missing
            ],
        )


@transaction.atomic
def copy_questionnaire(questionnaire: Questionnaire, to_programme, actor=None) -> Questionnaire:
    """A copy of `questionnaire` (sections, questions, choices, review options; no answers) for
    `to_programme`, open within that programme's `default_window`. Refused when that
    programme already has a test of this kind."""
    if Questionnaire.objects.filter(programme=to_programme, kind=questionnaire.kind).exists():
        raise EvaluationError(
            _("%(programme)s already has a %(kind)s.")
            % {"programme": to_programme, "kind": questionnaire.get_kind_display()}
        )
    opens_at, closes_at = default_window(to_programme, questionnaire.kind)
    copy = Questionnaire.objects.create(
        programme=to_programme,
        kind=questionnaire.kind,
        opens_at=opens_at,
        closes_at=closes_at,
        title_es=questionnaire.title_es,
        title_en=questionnaire.title_en,
        intro_es=questionnaire.intro_es,
        intro_en=questionnaire.intro_en,
        review_after_submit=questionnaire.review_after_submit,
        review_after_close=questionnaire.review_after_close,
    )
    for section in questionnaire.sections.order_by("position"):
        _copy_section(section, copy, section.position, section.questions.order_by("position"))
    return copy


def _copy_section(section: Section, into: Questionnaire, position: int, questions) -> Section:
    """A copy of `section` in `into` at `position`, with `questions` (of the section) and
    their choices, codes and right answers as they are."""
    new_section = Section.objects.create(
        questionnaire=into,
        position=position,
        kind=section.kind,
        title_es=section.title_es,
        title_en=section.title_en,
    )
    for question in questions:
        new_question = Question.objects.create(
            section=new_section,
            position=question.position,
            code=question.code,
            kind=question.kind,
            text_es=question.text_es,
            text_en=question.text_en,
            required=question.required,
        )
        Choice.objects.bulk_create(
            Choice(
                question=new_question,
                code=choice.code,
                text_es=choice.text_es,
                text_en=choice.text_en,
                is_correct=choice.is_correct,
            )
            for choice in question.choices.all()
        )
    return new_section


# --- Import ---------------------------------------------------------------------------------


@dataclass
class RowVerdict:
    number: int
    email: str
    reasons: list[str] = field(default_factory=list)

    @property
    def refused(self) -> bool:
        return bool(self.reasons)


@dataclass
class ImportOutcome:
    verdicts: list[RowVerdict]
    problems: list[str]  # about the file as a whole (unknown columns, no e-mail column)
    saved: int = 0
    dry_run: bool = False

    @property
    def refused(self) -> list[RowVerdict]:
        return [verdict for verdict in self.verdicts if verdict.refused]

    @property
    def ok(self) -> bool:
        return not self.problems and not self.refused


# Rows of answers read at most from one file (a programme has a few hundred participants).
MAX_RESPONSE_ROWS = 5000


def read_response_file(name: str, content: bytes) -> tuple[list[str], list]:
    """The columns and rows of a CSV or XLSX file: each row is (its number as seen in the
    file, header → text); empty rows are skipped, the first non-empty row is the header.

    The format is recognised from the content; `name` is not trusted (nor used). A file
    larger than the spreadsheet size limit, a zip bomb, a sheet with cells beyond its last
    column, or more than MAX_RESPONSE_ROWS rows is refused with an EvaluationError.
    """
    del name  # only the content says what the file is
    if not content:
        raise EvaluationError(_("The file is empty."))
    size_limit = uploads.limit("UPLOAD_MAX_SPREADSHEET_BYTES")
    try:
        uploads.check_size(content, size_limit)
        kind = uploads.sniff(content)
        if kind == "xlsx" or content.startswith(uploads.ZIP_SIGNATURE):
            lines = [
                (number, [cell_text(value) for value in values])
                for number, values in uploads.xlsx_rows(content, max_rows=MAX_RESPONSE_ROWS + 1)
            ]
        elif kind == "text" or (kind is None and content.startswith((b"\xff\xfe", b"\xfe\xff"))):
            text = decode_text(content)
            records = uploads.csv_records(
                text, max_records=20 * MAX_RESPONSE_ROWS, delimiter=detect_separator(text)
            )
            lines = list(enumerate(records, start=1))
        else:
            raise EvaluationError(_("This file is not a text file: save it as XLSX or CSV."))
    except uploads.UploadError as error:
        raise EvaluationError(error.message) from error
    except SheetError as error:
        raise EvaluationError(_("This file is not a text file: save it as XLSX or CSV.")) from error
    rows = []
    header = None
    for number, line in lines:
        cells = [clean(cell or "") for cell in line]
        if not any(cells):
            continue
        if header is None:
            header = cells
            continue
        if len(rows) == MAX_RESPONSE_ROWS:
            raise EvaluationError(
                _("The file has more than %(count)s rows: split it into several files.")
                % {"count": MAX_RESPONSE_ROWS}
            )
        rows.append(
            (number, {h: (cells[i] if i < len(cells) else "") for i, h in enumerate(header) if h})
        )
    if header is None:
        raise EvaluationError(_("The file is empty."))
    return [h for h in header if h], rows


def import_responses(
    programme, kind: str, rows, actor, dry_run: bool = False, *, columns=None
) -> ImportOutcome:
    """Import answers given on paper or in another tool: `rows` of (number, column → text),
    an `email` column and one column per question code. Each row gets a verdict; if any row
    or column is refused nothing is saved (all or nothing). Imported responses are submitted,
    source "import"."""
    questionnaire = Questionnaire.objects.filter(programme=programme, kind=kind).first()
    if questionnaire is None:
        raise EvaluationError(
            _("%(programme)s has no %(kind)s.")
            % {"programme": programme, "kind": Questionnaire.Kind(kind).label}
        )
    questions = {q.code.lower(): q for q in _questions(questionnaire)}
    problems = []
    if columns is None:
        columns = []
        for _number, values in rows:
            for column in values:
                if column not in columns:
                    columns.append(column)
    lowered = [c.strip().lower() for c in columns]
    if "email" not in lowered and "e-mail" not in lowered:
        problems.append(_("The file has no “email” column."))
    unknown = [c for c in columns if c.strip().lower() not in questions | {"email": 0, "e-mail": 0}]
    for column in unknown:
        problems.append(
            _("Unknown column “%(column)s”: no question has this code.") % {"column": column}
        )
    User = get_user_model()
    verdicts = []
    seen = set()
    plans = []
    for number, values in rows:
        values = {k.strip().lower(): v for k, v in values.items()}
        email = (values.get("email") or values.get("e-mail") or "").strip()
        verdict = RowVerdict(number, email)
        verdicts.append(verdict)
        user = User.objects.filter(email__iexact=email).first() if email else None
        if not email:
            verdict.reasons.append(_("no e-mail address"))
        elif user is None:
            verdict.reasons.append(_("unknown e-mail address %(email)s") % {"email": email})
        elif not can_answer_tests(user, programme):
            verdict.reasons.append(
                _("%(email)s is not a participant of this programme") % {"email": email}
            )
        elif email.lower() in seen:
            verdict.reasons.append(_("%(email)s appears twice in the file") % {"email": email})
        elif Response.objects.filter(
            questionnaire=questionnaire, user=user, submitted_at__isnull=False
        ).exists():
            verdict.reasons.append(
                _("%(email)s has already submitted this test") % {"email": email}
            )
        seen.add(email.lower())
        parsed = {}
        for code, raw in values.items():
            question = questions.get(code)
            if question is None:
                continue
            answer, error = parse_value(question, raw)
            if error:
                verdict.reasons.append(error)
            else:
                parsed[question] = _judged(question, answer)
        if not verdict.refused:
            plans.append((user, parsed))
    outcome = ImportOutcome(verdicts, problems, dry_run=dry_run)
    if not outcome.ok or dry_run:
        outcome.saved = len(plans) if outcome.ok else 0
        return outcome
    now = timezone.now()
    imported = []
    with transaction.atomic():
        for user, parsed in plans:
            response, _created = Response.objects.get_or_create(
                questionnaire=questionnaire,
                user=user,
                defaults={"language": user.language, "source": Response.Source.IMPORT},
            )
            with recount_deferred():
                for question, values in parsed.items():
                    if _empty(values):
                        Answer.objects.filter(response=response, question=question).delete()
                    else:
                        Answer.objects.update_or_create(
                            response=response, question=question, defaults=values
                        )
            imported.append(response.pk)
            response.source = Response.Source.IMPORT
            response.submitted_at = now
            response.save()
            audit_record(
                actor=actor,
                action="evaluation.imported",
                subject=response,
                programme=programme,
                # The account read with the file's people: no query per row for it.
                person=user,
                details={"kind": kind},
            )
        recount(imported)
        if questionnaire.kind == Questionnaire.Kind.POST:
            progress_changed(programme, [user.pk for user, _parsed in plans])
    outcome.saved = len(plans)
    return outcome

"""Every text that reaches a PDF, at its limit (`capacita/shared/text_limits.py`): the worst
case that
`tests/groupwork/test_pdf_worst_case.py` renders and `bench/bench_pdf_worst_case.py` times.

Over the demo programme: every participant's names at their limit; session 3's groups (four
perspectives, two or three questions each) with their names and questions at their limits,
every answer at its limit in characters and lines with all its kept versions, and each
group's assessment of the case with as many factors as it may have, each named and noted at
the limit, and its needs and referrals at theirs; the balance's recommendations and lessons
learned at theirs; a certificate for the longest name, with the longest text.

Each text starts and ends with a marker naming it (`start("needs", 2)`), so a test can find
every one in the PDF's text. What WeasyPrint spends grows with the lines it lays out, so
each text has as many lines as it may, each a line of words (`SHAPES` has the others).
"""

from __future__ import annotations

import datetime as dt
import itertools

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from capacita.shared import text_limits as limits

WORDS = [
    *("migración", "empleo", "consejería", "derechos", "laborales", "inclusión", "protección"),
    *("servicios", "población", "orientación", "vulnerabilidad", "niñez", "gobernanza"),
]


def words(length: int, offset: int = 0) -> str:
    """Words (with accents and ñ) filling exactly `length` characters."""
    cycle = itertools.cycle(WORDS[offset % len(WORDS) :] + WORDS[: offset % len(WORDS)])
    out = ""
    while len(out) < length:
        out += next(cycle) + " "
    return out[:length].rstrip().ljust(length, "a")


def in_lines(length: int, lines: int | None) -> str:
    """`length` characters in `lines` lines of words (one line when None)."""
    lines = lines or 1
    width = (length - (lines - 1)) // lines
    body = [words(width, n) for n in range(lines)]
    body[-1] = words(length - (lines - 1) - width * (lines - 1), lines)
    return "\n".join(body)


def one_paragraph(length: int, lines: int | None) -> str:
    """`length` characters: the lines but one empty, then one paragraph of words."""
    blank = (lines or 1) - 1
    return "\n" * blank + words(length - blank)


def one_word(length: int, lines: int | None) -> str:
    """`length` characters with no space: one unbroken word."""
    return "x" * length


# How a text at its limit may be laid out; the first costs WeasyPrint the most.
SHAPES = {"lines": in_lines, "paragraph": one_paragraph, "word": one_word}


def start(name: str, number: int = 0) -> str:
    return f"BEGIN{name}{number}"


def end(name: str, number: int = 0) -> str:
    return f"END{name}{number}"


def marked(name: str, number: int, chars: int, lines: int | None, shape: str = "lines") -> str:
    """A text of exactly `chars` characters and at most `lines` lines, between the markers
    of `name` and `number`."""
    head, tail = f"{start(name, number)} ", f" {end(name, number)}"
    inner = SHAPES[shape](chars - len(head) - len(tail), lines)
    return f"{head}{inner}{tail}"


@transaction.atomic
def longest_names(programme) -> None:
    """Every participant's first names and surnames at their limit."""
    from capacita.programmes.models import Role

    User = get_user_model()
    people = User.objects.filter(
        memberships__programme=programme, memberships__role=Role.PARTICIPANT
    )
    for number, person in enumerate(people.order_by("pk")):
        person.first_name = words(limits.NAME, number)
        person.last_name = words(limits.NAME, number + 1)
        person.save(update_fields=["first_name", "last_name"])


@transaction.atomic
def worst_plenary(programme, number: int = 3, shape: str = "lines"):
    """Session `number`'s group work with every text at its limit (see the module's
    docstring); returns its `SessionWork`."""
    from capacita.case_study.models import AssessedFactor, Assessment, Kind, Level, SessionCase
    from capacita.groupwork.models import AnswerVersion, SessionWork

    session_work = SessionWork.objects.get(session__programme=programme, session__number=number)
    author = get_user_model().objects.get(email="participant.mx@example.org")
    session_case = SessionCase.objects.filter(session_work=session_work).first()
    groups = list(session_work.groups.order_by("position", "pk"))
    for index, group in enumerate(groups):
        group.name_es = group.name_en = words(200, index)
        group.save(update_fields=["name_es", "name_en"])
        for question in group.questions.all():
            question.text_es = question.text_en = words(limits.QUESTION, question.pk)
            question.save(update_fields=["text_es", "text_en"])
            question.versions.all().delete()
            text = marked(
                "answer", question.pk, limits.GROUP_ANSWER, limits.GROUP_ANSWER_LINES, shape
            )
            AnswerVersion.objects.bulk_create(
                AnswerVersion(question=question, number=version, text=text, author=author)
                for version in range(1, limits.GROUP_ANSWER_VERSIONS + 1)
            )
        Assessment.objects.filter(group=group).delete()
        if session_case is None:
            continue
        assessment = Assessment.objects.create(
            group=group,
            case=session_case.case,
            needs=marked("needs", index, limits.ASSESSMENT_TEXT, limits.ASSESSMENT_LINES, shape),
            referrals=marked(
                "referrals", index, limits.ASSESSMENT_TEXT, limits.ASSESSMENT_LINES, shape
            ),
        )
        places = itertools.cycle(itertools.product(Level.values, Kind.values))
        AssessedFactor.objects.bulk_create(
            AssessedFactor(
                assessment=assessment,
                level=level,
                kind=kind,
                custom_name=words(limits.FACTOR_NAME, n),
                note=marked("note", index * 100 + n, limits.FACTOR_NOTE, None, shape),
            )
            for n, (level, kind) in zip(range(limits.FACTORS_PER_ASSESSMENT), places, strict=False)
        )
    return session_work


def worst_balance(programme, shape: str = "lines"):
    """The balance's recommendations and lessons learned at their limit."""
    from capacita.reports.models import BalanceNarrative

    narrative, _created = BalanceNarrative.objects.update_or_create(
        programme=programme,
        defaults={
            "recommendations": marked(
                "recommendations", 0, limits.NARRATIVE, limits.NARRATIVE_LINES, shape
            ),
            "lessons": marked("lessons", 0, limits.NARRATIVE, limits.NARRATIVE_LINES, shape),
        },
    )
    return narrative


def worst_certificate(programme):
    """An unsaved certificate for the longest name, the programme's design at its longest."""
    from capacita.certificates import codes
    from capacita.certificates.models import Certificate, CertificateDesign

    design, _created = CertificateDesign.objects.get_or_create(programme=programme)
    design.title_es = design.title_en = words(200)
    design.body_es = design.body_en = words(limits.CERTIFICATE_TEXT)
    design.languages = CertificateDesign.Languages.BOTH
    design.save()
    user = get_user_model().objects.get(email="participant.mx@example.org")
    return Certificate(
        programme=programme,
        user=user,
        code=codes.new_code(),
        holder_name=f"{words(limits.NAME)} {words(limits.NAME, 1)}",
        language="both",
        issued_at=timezone.now() - dt.timedelta(days=1),
    )

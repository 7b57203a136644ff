"""The demo's pre-test and post-test for the 2021 CRM programme, and generated answers.

`load_demo_tests(programme)` is idempotent: a test that exists is left as it is, and answers
are generated only for a test that has none yet.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import yaml
from django.db import transaction

from capacita.evaluation.models import Answer, Choice, Question, Questionnaire, Response, Section
from capacita.evaluation.services import default_window
from capacita.programmes.models import Membership, Role

DEMO_TESTS_FILE = Path(__file__).resolve().parent / "data" / "crm-2021-tests.yaml"
DEMO_SEED = 2021
# The demo's own accounts get no answers, so a person can try the forms.
UNANSWERED = {"participant.mx@example.org", "participant.do@example.org"}
CHOICE_CODES = "abcd"


def read_tests_file(path: Path = DEMO_TESTS_FILE) -> dict:
    with open(path, encoding="utf-8") as file:
        return yaml.safe_load(file)


def _review(spec: dict) -> dict:
    """The review options a test of the file names (`after_submit`, `after_close`); the
    model's defaults for those it leaves out."""
    names = {"after_submit": "review_after_submit", "after_close": "review_after_close"}
    return {names[key]: value for key, value in spec.items() if key in names}


def _add_section(questionnaire, position, kind, title, questions, *, knowledge=False):
    section = Section.objects.create(
        questionnaire=questionnaire,
        position=position,
        kind=kind,
        title_es=title["es"],
        title_en=title["en"],
    )
    for index, item in enumerate(questions, start=1):
        question = Question.objects.create(
            section=section,
            position=index,
            code=item["code"],
            kind=Question.Kind.SINGLE if knowledge else item["kind"],
            text_es=item["es"],
            text_en=item["en"],
            required=item.get("required", True),
        )
        for code, choice in zip(CHOICE_CODES, item.get("choices", []), strict=False):
            Choice.objects.create(
                question=question,
                code=code,
                text_es=choice["es"],
                text_en=choice["en"],
                is_correct=bool(choice.get("correct")),
            )


@transaction.atomic
def load_demo_tests(
    programme, data: dict | None = None, *, answers: bool = True
) -> list[Questionnaire]:
    """Create the pre-test and post-test when missing, then generate answers once (not with
    `answers=False`: a programme whose tests are still ahead)."""
    data = data or read_tests_file()
    questionnaires = []
    for kind in ("pre", "post"):
        questionnaire = Questionnaire.objects.filter(programme=programme, kind=kind).first()
        if questionnaire is None:
            spec = data[kind]
            opens_at, closes_at = default_window(programme, kind)
            questionnaire = Questionnaire.objects.create(
                programme=programme,
                kind=kind,
                title_es=spec["title"]["es"],
                title_en=spec["title"]["en"],
                intro_es=spec["intro"]["es"],
                intro_en=spec["intro"]["en"],
                opens_at=opens_at,
                closes_at=closes_at,
                **_review(spec.get("review", {})),
            )
            knowledge = data["knowledge"]
            _add_section(
                questionnaire,
                1,
                Section.Kind.KNOWLEDGE,
                knowledge["title"],
                knowledge["questions"],
                knowledge=True,
            )
            for position, section in enumerate(spec["sections"], start=2):
                _add_section(
                    questionnaire, position, section["kind"], section["title"], section["questions"]
                )
        questionnaires.append(questionnaire)
    if answers:
        _generate_answers(programme, *questionnaires, samples=data.get("demo_answers", {}))
    return questionnaires


def _generate_answers(programme, pre, post, samples: dict) -> None:
    if Response.objects.filter(questionnaire__in=[pre, post]).exists():
        return
    rng = random.Random(DEMO_SEED)  # noqa: S311 - demo data, not security
    people = [
        m.user
        for m in Membership.objects.filter(programme=programme, role=Role.PARTICIPANT)
        .select_related("user")
        .order_by("user__email")
        if m.user.email not in UNANSWERED
    ]
    for index, user in enumerate(people):
        ability = rng.uniform(0.25, 0.65)
        takes_pre = index % 7 != 3
        takes_post = index % 5 != 2
        if takes_pre:
            _answer(pre, user, rng, ability, samples)
        if takes_post:
            _answer(post, user, rng, min(0.95, ability + rng.uniform(0.1, 0.35)), samples)


def _answer(questionnaire, user, rng, ability, samples: dict) -> None:
    when = questionnaire.opens_at or questionnaire.programme.sessions.first().starts_at
    submitted = when + dt.timedelta(minutes=rng.randint(5, 600))
    response = Response.objects.create(
        questionnaire=questionnaire,
        user=user,
        language=user.language,
        submitted_at=submitted,
        source=Response.Source.WEB,
    )
    answers = []
    for question in Question.objects.filter(section__questionnaire=questionnaire).prefetch_related(
        "choices"
    ):
        if question.kind == Question.Kind.SCALE:
            answers.append(
                Answer(response=response, question=question, scale=rng.choice([3, 4, 4, 5, 5]))
            )
        elif question.kind == Question.Kind.TEXT:
            if samples.get(question.code) and rng.random() < 0.5:
                sample = rng.choice(samples[question.code])
                text = sample["es" if user.language == "es" else "en"]
                answers.append(Answer(response=response, question=question, text=text))
        else:
            codes = [c.code for c in question.choices.all()]
            correct = [c.code for c in question.choices.all() if c.is_correct]
            chosen = correct if rng.random() < ability else [rng.choice(codes)]
            answers.append(Answer(response=response, question=question, choice_codes=chosen))
    Answer.objects.bulk_create(answers)

"""Where each participant stands: the board of everyone's progress, and a person's tests.

The certificate rule itself, and each person's progress with it, are the certificates'
(`capacita.certificates.rule`).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.utils import timezone

from capacita.certificates.rule import Progress, participants, progress_of
from capacita.evaluation.models import Questionnaire, Response
from capacita.evaluation.scoring import knowledge_questions_of
from capacita.evaluation.services import questionnaire_window_state
from capacita.programmes import permissions
from capacita.shared.page_cache import kept

COMPLETE = Q(progress_record__complete=True)


def board_scope(user, programme, country: str = "", status: str = ""):
    """The countries `user` may see on the board and asked for (None: every one), and the
    status asked for (`complete`, `incomplete` or none). PermissionDenied when the board, or
    the country asked for, is not theirs to see."""
    if not permissions.can_see_board(user, programme):
        raise PermissionDenied
    countries = permissions.board_countries(user, programme)
    chosen = (country or "").upper()
    member_codes = {
        member.country.code: member.country
        for member in programme.member_countries.select_related("country")
    }
    if chosen in member_codes:
        if countries is not None and member_codes[chosen].pk not in countries:
            raise PermissionDenied
        countries = {member_codes[chosen].pk}
    return countries, status if status in ("complete", "incomplete") else ""


def board_members(programme, country_ids=None, status: str = ""):
    """The participants the board lists, optionally for some countries and a status
    (`complete` or `incomplete`), filtered in SQL over the kept progress."""
    members = participants(programme, country_ids)
    if status == "complete":
        members = members.filter(COMPLETE)
    elif status == "incomplete":
        members = members.exclude(COMPLETE)
    return members


def board_counts(programme, country_ids=None) -> dict[str, int]:
    """How many of the participants (of some countries) meet the rule, and how many not."""
    counts = (
        participants(programme, country_ids)
        .order_by()
        .aggregate(everyone=Count("pk"), complete=Count("pk", filter=COMPLETE))
    )
    return {**counts, "incomplete": counts["everyone"] - counts["complete"]}


def board(programme, country_ids=None, status: str = "") -> list[Progress]:
    """The participants × activities board, whole (for its exports)."""
    return progress_of(programme, board_members(programme, country_ids, status))


@dataclass
class TestState:
    """A participant's pre-test or post-test: whether it is open, and their answers' state."""

    questionnaire: object
    window: str  # "open", "not_yet" or "closed"
    submitted: bool = False
    started: bool = False
    score: float | None = None


def tests_of(programme, user, *, fresh: bool = False) -> list[TestState]:
    """The programme's tests as `user` stands with them, pre-test first. The tests and their
    questions are the same for everyone (kept a while unless `fresh`); the person's responses
    are read each time, in one query, their scores from the kept right answers."""

    def structure():
        questionnaires = sorted(
            Questionnaire.objects.filter(programme=programme), key=lambda q: q.kind != "pre"
        )
        return questionnaires, knowledge_questions_of(q.pk for q in questionnaires)

    questionnaires, questions_of = kept(f"tests:{programme.pk}", structure, fresh=fresh)
    responses = {
        response.questionnaire_id: response
        for response in Response.objects.filter(questionnaire__programme=programme, user=user)
    }
    now = timezone.now()
    states = []
    for questionnaire in questionnaires:
        response = responses.get(questionnaire.pk)
        submitted = bool(response and response.submitted_at)
        states.append(
            TestState(
                questionnaire=questionnaire,
                window=questionnaire_window_state(questionnaire, now),
                submitted=submitted,
                started=response is not None,
                # The response's kept right answers (`Response.right_answers`) over the
                # test's items: no answer read.
                score=(
                    response.right_answers / len(questions_of[questionnaire.pk])
                    if submitted and questions_of.get(questionnaire.pk)
                    else None
                ),
            )
        )
    return states

"""The knowledge figures of a programme: one piece of code computes them for every output
(the `report` command's JSON and workbook, and the pages to come), in a fixed number of
queries. Scores are fractions of the maximum (0–1)."""

from __future__ import annotations

from collections import defaultdict

from django.utils.translation import gettext as _

from capacita.nominations.models import Nomination
from capacita.programmes.models import Membership, Role

from .models import Answer, Questionnaire, Response
from .scoring import is_correct, knowledge_questions
from .statistics import by_group, item_changes, knowledge_summary

KINDS = ("pre", "post")


def knowledge_report(programme) -> dict:
    """Scores per participant, the paired summary, the same by country, profile and
    sex/gender (small groups hidden), and the share correct per item before and after."""
    questionnaires = {q.kind: q for q in Questionnaire.objects.filter(programme=programme)}
    items = {kind: list(knowledge_questions(q)) for kind, q in questionnaires.items()}
    questions = {question.pk: (kind, question) for kind, qs in items.items() for question in qs}
    correct = {pk: question.correct_codes() for pk, (_kind, question) in questions.items()}

    submitted = set(
        Response.objects.filter(
            questionnaire__programme=programme, submitted_at__isnull=False
        ).values_list("user_id", "questionnaire__kind")
    )
    outcome = {}
    for user_id, kind, question_id, codes in Answer.objects.filter(
        response__questionnaire__programme=programme,
        response__submitted_at__isnull=False,
        question_id__in=list(questions),
    ).values_list(
        "response__user_id", "response__questionnaire__kind", "question_id", "choice_codes"
    ):
        outcome[(user_id, kind, question_id)] = is_correct(
            questions[question_id][1], codes, correct[question_id]
        )
    # A knowledge item left blank in a submitted test counts as not correct.
    item_answers = [
        (question.code, kind, outcome.get((user_id, kind, question.pk), False))
        for user_id, kind in submitted
        for question in items.get(kind, [])
    ]
    right = defaultdict(int)
    for (user_id, kind, _question_id), ok in outcome.items():
        right[(user_id, kind)] += ok

    def score(user_id, kind):
        if (user_id, kind) not in submitted or not items.get(kind):
            return None
        return right[(user_id, kind)] / len(items[kind])

    memberships = (
        Membership.objects.filter(programme=programme, role=Role.PARTICIPANT)
        .select_related("user", "country")
        .order_by("country__code", "user__last_name", "user__first_name")
    )
    nominations = {
        nomination.user_id: nomination
        for nomination in Nomination.objects.filter(
            programme=programme, user__isnull=False
        ).select_related("profile")
    }
    participants, scores = [], []
    by_country, by_profile, by_gender = [], [], []
    for membership in memberships:
        user = membership.user
        pre, post = score(user.pk, "pre"), score(user.pk, "post")
        nomination = nominations.get(user.pk)
        participants.append(
            {
                "email": user.email,
                "name": user.get_full_name(),
                "country": membership.country.code if membership.country_id else None,
                "pre": _round(pre),
                "post": _round(post),
            }
        )
        scores.append((pre, post))
        if pre is None and post is None:
            continue
        by_country.append((membership.country.name if membership.country_id else "—", pre, post))
        profile = nomination.profile_label if nomination else ""
        gender = nomination.get_gender_display() if nomination and nomination.gender else ""
        by_profile.append((profile or _("not given"), pre, post))
        by_gender.append((gender or _("not given"), pre, post))

    summary = knowledge_summary(scores)
    return {
        "programme": programme.slug,
        "knowledge": summary.as_dict(),
        "by_country": [group.as_dict() for group in by_group(by_country)],
        "by_profile": [group.as_dict() for group in by_group(by_profile)],
        "by_gender": [group.as_dict() for group in by_group(by_gender)],
        "items": [item.as_dict() for item in item_changes(item_answers)],
        "participants": participants,
    }


def _round(value):
    return None if value is None else round(value, 4)

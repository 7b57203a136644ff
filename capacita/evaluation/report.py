"""The evaluation figures of a programme: one piece of code computes them for every output
(the `report` command's JSON and workbook, and the organisers' report page), in a fixed
number of queries. Knowledge scores are fractions of the maximum (0–1).

Every figure leaves this module as it is shown (`capacita.shared.rounding`: half up): shares as
fractions of whole percentages (0.825 is given as 0.83, shown "83 %"), means on the 1–5
scale with one decimal, the Wilcoxon test's figures with the decimals its page gives. The
page, its charts, the workbook, the PDFs and the JSON thus read the same number; nothing
downstream rounds again to another one."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import asdict

from django.db.models import Avg, BooleanField, Count, ExpressionWrapper, FloatField, Q
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from capacita.nominations.models import Gender, Nomination
from capacita.programmes.models import Country, Membership, Profile, Role
from capacita.shared import rounding

from .models import Answer, Question, Response, Section
from .scoring import is_correct
from .statistics import (
    GroupSummary,
    by_group,
    counted_item_changes,
    counted_scale_distribution,
    expectations_against_satisfaction,
    knowledge_summary,
)

KINDS = ("pre", "post")
# Whether a response is submitted, read as such (not its time: thousands of them).
_IS_SUBMITTED = ExpressionWrapper(Q(submitted_at__isnull=False), output_field=BooleanField())
# The points of a 1–5 agreement scale that count as agreeing.
AGREEING = (4, 5)
# The figures that are shares (fractions shown as whole percentages) and the decimals of
# the others, as the report's page writes them.
SHARES = frozenset(
    {
        # knowledge (KnowledgeSummary)
        "mean_pre",
        "median_pre",
        "mean_post",
        "median_post",
        "mean_gain",
        "gain_ci_low",
        "gain_ci_high",
        "normalized_gain",
        "improved",
        "same",
        "worsened",
        # per item (ItemChange)
        "pre_correct",
        "post_correct",
        "change",
        # expectations against satisfaction
        "met",
        "short",
    }
)
SCALE_DECIMALS = 1
PLACES = {
    "wilcoxon_statistic": 1,
    "wilcoxon_p": 4,
    "effect_size": 2,
    "mean_expectations_all": SCALE_DECIMALS,
    "mean_satisfaction_all": SCALE_DECIMALS,
    "mean_expectations": SCALE_DECIMALS,
    "mean_satisfaction": SCALE_DECIMALS,
    "mean_difference": SCALE_DECIMALS,
}


def evaluation_report(programme, *, whole: bool = True) -> dict:
    """Everything the organisers learn from the pre-test and the post-test; without `whole`,
    only what the final balance's page shows (`respondents`, `knowledge`, `by_country`,
    `expectations_satisfaction` and `scales`): the same figures, fewer worked out.

    - `respondents`: participants, and per test how many submitted and how many are half
      way;
    - `knowledge`: the paired summary (see `statistics.KnowledgeSummary`);
    - `by_country`, `by_profile`, `by_gender`: the same per group, small groups hidden;
    - `items`: share correct per knowledge item before and after, with the question;
    - `expectations_satisfaction`: each person's mean expectation (pre) against their mean
      satisfaction (post), paired;
    - `scales`: the distribution of every 1–5 question, in test and section order;
    - `choices`: the answers to choice questions outside the knowledge section;
    - `texts`: the free-text answers, without their authors;
    - `participants`: each participant's scores, and where each test stands for them
      (`"submitted"`, `"in_progress"` or `None`).

    Only submitted tests count; a knowledge item left blank in one counts as not correct.
    """
    questions, by_pk, knowledge, correct = _questions(programme)

    states = defaultdict(lambda: {"submitted": 0, "in_progress": 0})
    state_of = {}
    # Each submitted response's person and test, by its id: the answers are counted per
    # response, without reading their responses again.
    taken_by = {}
    for response_id, user_id, kind, is_submitted in Response.objects.filter(
        questionnaire__programme=programme
    ).values_list("pk", "user_id", "questionnaire__kind", _IS_SUBMITTED):
        state = "submitted" if is_submitted else "in_progress"
        states[kind][state] += 1
        state_of[(user_id, kind)] = state
        if is_submitted:
            taken_by[response_id] = (user_id, kind)
    submitted = {key for key, state in state_of.items() if state == "submitted"}

    # The submitted answers are counted in the database, grouped, not read one by one: a
    # programme of thousands has hundreds of thousands of them. Per person, the kept verdicts
    # and the scales' means; per question, what was chosen (`_counted_answers`).
    answers = _submitted_answers(programme)
    expectations, satisfaction = _scaled(questions)
    right, means = _per_response(correct, expectations + satisfaction, taken_by)
    # The summary shows the scales alone of what is counted per question.
    counted_questions = (
        questions if whole else [q for q in questions if q.kind == Question.Kind.SCALE]
    )
    item_right, scales, chosen = _counted_answers(programme, counted_questions, by_pk, correct)
    counted = defaultdict(lambda: {"pre": [0, 0], "post": [0, 0]})
    for kind in KINDS:
        taken = sum(1 for _user_id, each in submitted if each == kind)
        for question in knowledge[kind]:
            line = counted[question.code][kind]
            line[0] += taken
            line[1] += item_right[question.pk]
    texts = defaultdict(list)
    written = [
        question.pk for question in questions if whole and question.kind == Question.Kind.TEXT
    ]
    for question_id, text in (
        answers.filter(question_id__in=written)
        .exclude(text="")
        .order_by("response__submitted_at", "response_id")
        .values_list("question_id", "text")
    ):
        if text.strip():
            texts[question_id].append(text.strip())

    # Each submitted test's score, worked out once (None for a test not submitted).
    scored = {key: right[key] / len(knowledge[key[1]]) for key in submitted if knowledge[key[1]]}

    # The participants and their nominations read as values (a programme of thousands).
    memberships = (
        Membership.objects.filter(programme=programme, role=Role.PARTICIPANT)
        .order_by("country__code", "user__last_name", "user__first_name")
        .values_list("user_id", "user__email", "user__first_name", "user__last_name", "country_id")
    )
    countries = {country.pk: country for country in Country.objects.filter(programmes=programme)}
    nominated = Nomination.objects.filter(programme=programme, user__isnull=False)
    if not whole:  # no breakdown by profile or sex/gender: no nomination read
        nominated = nominated.none()
    fields = ("user_id", "profile_id", "profile_other", "gender")
    rows = list(nominated.order_by().values_list(*fields))
    if len({row[0] for row in rows}) < len(rows):
        # Someone nominated twice: the last in the nominations' order stands.
        rows = list(nominated.values_list(*fields))
    nominations = {
        user_id: (profile_id, other, gender) for user_id, profile_id, other, gender in rows
    }
    chosen_profiles = {profile_id for profile_id, _other, _gender in nominations.values()}
    profiles = {
        profile.pk: str(profile) for profile in Profile.objects.filter(pk__in=chosen_profiles)
    }
    # Labels worked out once, not once per participant (a programme of thousands).
    genders = {value: str(label) for value, label in Gender.choices}
    not_given = str(_("not given"))
    country_names = {pk: country.name for pk, country in countries.items()}
    participants, scores = [], []
    by_country, by_profile, by_gender = [], [], []
    for user_id, email, first_name, last_name, country_id in memberships:
        pre, post = scored.get((user_id, "pre")), scored.get((user_id, "post"))
        country = countries.get(country_id) if country_id else None
        if country is None and country_id:
            country = countries[country_id] = Country.objects.get(pk=country_id)
        if whole:
            participants.append(
                {
                    "email": email,
                    "name": f"{first_name} {last_name}".strip(),
                    "user_id": user_id,
                    "country": country.code if country else None,
                    "pre": rounding.share(pre),
                    "post": rounding.share(post),
                    "pre_state": state_of.get((user_id, "pre")),
                    "post_state": state_of.get((user_id, "post")),
                }
            )
        scores.append((pre, post))
        if pre is None and post is None:
            continue
        name = country_names.get(country.pk) or country.name if country else "—"
        by_country.append((name, pre, post))
        if not whole:
            continue
        profile_id, other, gender = nominations.get(user_id, (None, "", ""))
        profile = (profiles.get(profile_id) or "") if profile_id else other
        by_profile.append((profile or not_given, pre, post))
        by_gender.append((genders.get(gender, "") or not_given, pre, post))

    item_text = {}
    for kind in KINDS:  # the post-test's wording wins: it is the one read last
        item_text.update({q.code: q.text for q in knowledge[kind]})
    items = []
    for change in counted_item_changes(counted):
        line = _shown(asdict(change))
        line["question"] = item_text.get(change.code, "")
        items.append(line)

    summary = {
        "programme": programme.slug,
        "respondents": {
            "participants": len(scores),
            **{kind: dict(states[kind]) for kind in KINDS},
        },
        "knowledge": _shown(asdict(knowledge_summary(scores))),
        "by_country": [_group(group) for group in by_group(by_country)],
        # The pre-test's means of expectations, the post-test's of satisfaction.
        "expectations_satisfaction": _expectations_satisfaction(means["pre"], means["post"]),
        "scales": [
            _scale_line(question, scales[question.pk])
            for question in questions
            if question.kind == Question.Kind.SCALE
        ],
    }
    if not whole:
        return summary
    # The whole report, its parts in their order.
    return {
        **{key: summary[key] for key in ("programme", "respondents", "knowledge", "by_country")},
        "by_profile": [_group(group) for group in by_group(by_profile)],
        "by_gender": [_group(group) for group in _every_gender(by_group(by_gender))],
        "items": items,
        **{key: summary[key] for key in ("expectations_satisfaction", "scales")},
        "choices": [
            _choice_line(question, chosen[question.pk])
            for question in questions
            if question.has_choices and question.pk not in correct
        ],
        "texts": [
            {**_heading(question), "answers": texts[question.pk]}
            for question in questions
            if question.kind == Question.Kind.TEXT
        ],
        "participants": participants,
    }


def country_knowledge(programme, country) -> dict | None:
    """The knowledge line of `country` in `evaluation_report(programme)["by_country"]`,
    worked out from its own participants only (a group's line depends on its people alone):
    None when none of them took a test."""
    _questions_, _by_pk, knowledge, correct = _questions(programme)
    members = Membership.objects.filter(
        programme=programme, role=Role.PARTICIPANT, country=country
    ).values("user_id")
    responses = Response.objects.filter(
        questionnaire__programme=programme,
        submitted_at__isnull=False,
        user_id__in=members,
    )
    taken_by = {
        response_id: (user_id, kind)
        for response_id, user_id, kind in responses.values_list(
            "pk", "user_id", "questionnaire__kind"
        )
    }
    submitted = set(taken_by.values())
    right, _means = _per_response(
        correct, [], taken_by, Answer.objects.filter(response_id__in=responses.values("pk"))
    )

    def score(user_id, kind):
        if (user_id, kind) not in submitted or not knowledge[kind]:
            return None
        return right[(user_id, kind)] / len(knowledge[kind])

    name = country.name
    rows = [
        (name, score(user_id, "pre"), score(user_id, "post"))
        for user_id in members.values_list("user_id", flat=True)
    ]
    return next(
        (_group(group) for group in by_group(rows) if group.label == name and not group.pooled),
        None,
    )


def _questions(programme):
    """The programme's questions in the report's order (pre-test first), by key, its
    knowledge items per test, and the right codes of each item."""
    questions = list(
        Question.objects.filter(section__questionnaire__programme=programme)
        .select_related("section__questionnaire")
        .prefetch_related("choices")
        .order_by("section__questionnaire__kind", "section__position", "position")
    )
    # "post" sorts before "pre": the report reads the pre-test first.
    questions.sort(key=lambda q: KINDS.index(q.section.questionnaire.kind))
    by_pk = {question.pk: question for question in questions}
    knowledge = {kind: [q for q in questions if _kind(q) == kind and _is_item(q)] for kind in KINDS}
    correct = {q.pk: q.correct_codes() for items in knowledge.values() for q in items}
    return questions, by_pk, knowledge, correct


def _submitted_answers(programme):
    return Answer.objects.filter(
        response__questionnaire__programme=programme, response__submitted_at__isnull=False
    ).order_by()


def _every_gender(lines: list[GroupSummary]) -> list[GroupSummary]:
    """The breakdown by sex/gender with every option, in the order the form offers them,
    then "not given", then any other label and the pooled line: an option nobody chose is
    listed with no one rather than left out. With nobody tested, there is nothing to list."""
    if not lines:
        return lines
    order = [str(label) for _value, label in Gender.choices] + [str(_("not given"))]
    by_label = {line.label: line for line in lines if not line.pooled}
    every = [
        by_label.pop(label, None) or GroupSummary(label=label, size=0, summary=None, hidden=True)
        for label in order
    ]
    return every + list(by_label.values()) + [line for line in lines if line.pooled]


def _kind(question) -> str:
    return question.section.questionnaire.kind


def _is_item(question) -> bool:
    """A knowledge item: a choice question of a knowledge section (as `knowledge_questions`)."""
    return question.section.kind == Section.Kind.KNOWLEDGE and question.has_choices


def _heading(question) -> dict:
    return {
        "test": _kind(question),
        "section": question.section.kind,
        "code": question.code,
        "question": question.text,
    }


def _scale_line(question, counts) -> dict:
    distribution = counted_scale_distribution(counts)
    n = distribution["n"]
    agreeing = sum(distribution["counts"][point] for point in AGREEING)
    return {
        **_heading(question),
        "n": n,
        "counts": {str(point): count for point, count in distribution["counts"].items()},
        "mean": rounding.half_up(distribution["mean"], SCALE_DECIMALS),
        "median": rounding.half_up(distribution["median"], SCALE_DECIMALS),
        "agreeing": rounding.share(agreeing / n) if n else None,
    }


def _choice_line(question, answers: list[tuple[list[str], int]]) -> dict:
    """`answers`: each set of chosen codes given, with how many gave it."""
    n = sum(given for codes, given in answers if codes)
    counts = defaultdict(int)
    for codes, given in answers:
        for code in codes:
            counts[code] += given
    return {
        **_heading(question),
        "n": n,
        "choices": [
            {
                "code": choice.code,
                "text": choice.text,
                "count": counts[choice.code],
                "share": rounding.share(counts[choice.code] / n) if n else None,
            }
            for choice in question.choices.all()
        ],
    }


def _scaled(questions) -> tuple[list[int], list[int]]:
    """The pre-test's expectation questions and the post-test's satisfaction questions."""
    lines = {
        question.pk: (_kind(question), question.section.kind)
        for question in questions
        if question.kind == Question.Kind.SCALE
    }
    return (
        [pk for pk, line in lines.items() if line == ("pre", Section.Kind.EXPECTATIONS)],
        [pk for pk, line in lines.items() if line == ("post", Section.Kind.SATISFACTION)],
    )


def _expectations_satisfaction(expected, satisfied) -> dict:
    """Each person's mean answer to the pre-test's expectation questions beside their mean
    answer to the post-test's satisfaction questions (`_per_response`)."""
    people = expected.keys() | satisfied.keys()
    return _shown(
        expectations_against_satisfaction(
            [(expected.get(user_id), satisfied.get(user_id)) for user_id in sorted(people)],
            rounded=False,
        )
    )


def _per_response(correct, scaled, taken_by, answers=None):
    """Per person and test, from the responses `taken_by` (response id → person and test):
    the right answers (`Answer.is_right`, kept) to the knowledge items `correct`, and the mean
    answer to the `scaled` questions (a person's answers to one test are those of one
    response). Every response's answers are grouped and the drafts' left aside here, so that
    no response is read; `answers` narrows what is counted. Returns the right answers per
    (person, test) and the means per person, {"pre": …, "post": …}."""
    answers = Answer.objects.all() if answers is None else answers
    items = list(correct)
    right, means = Counter(), {"pre": {}, "post": {}}
    # Two grouped queries, each read from `Answer`'s index "evaluation_answer_counted".
    if items:
        for response_id, n in (
            answers.filter(question_id__in=items, is_right=True)
            .order_by()
            .values_list("response_id")
            .annotate(n=Count("pk"))
        ):
            if response_id in taken_by:
                right[taken_by[response_id]] = n
    if scaled:
        for response_id, mean in (
            answers.filter(question_id__in=scaled, scale__isnull=False)
            .order_by()
            .values_list("response_id")
            # As a float from the database: the mean (PostgreSQL's exact decimal) rounded
            # once, as `float()` of it would be, without thousands of decimals read.
            .annotate(mean=Cast(Avg("scale"), FloatField()))
        ):
            if response_id in taken_by:
                user_id, kind = taken_by[response_id]
                means[kind][user_id] = mean
    return right, means


def _counted_answers(programme, questions, by_pk, correct):
    """Grouped by question and what was chosen: the right answers to each knowledge item
    (`is_correct` decides, once per distinct answer given), how often each point of each
    scale was chosen (None for blank), and each other choice question's chosen codes with
    how often.

    The submitted answers are all the answers to the programme's questions but those of
    drafts: both are counted without reading their responses (`Answer`'s index
    "evaluation_answer_counted" holds what is counted), and the drafts' taken off."""
    asked = [q.pk for q in questions if q.has_choices or q.kind == Question.Kind.SCALE]
    tally, given = Counter(), {}
    drafts = Response.objects.filter(questionnaire__programme=programme, submitted_at=None)
    for answers, sign in (
        (Answer.objects.filter(question_id__in=asked), 1),
        # Read through the drafts (few), whatever their questions (only the programme's).
        (Answer.objects.filter(response_id__in=drafts.values("pk")), -1),
    ):
        for question_id, codes, scale, n in (
            answers.order_by()
            .values_list("question_id", "choice_codes", "scale")
            .annotate(n=Count("pk"))
        ):
            key = (question_id, _frozen(codes), scale)
            tally[key] += sign * n
            given.setdefault(key, codes)
    item_right, scales, chosen = Counter(), defaultdict(Counter), defaultdict(list)
    asked = set(asked)
    for key, n in tally.items():
        question_id, _codes, scale = key
        if not n or question_id not in asked:
            continue
        question, codes = by_pk[question_id], given[key]
        if question.kind == Question.Kind.SCALE:
            scales[question_id][scale] += n
        elif question_id in correct:
            if is_correct(question, codes, correct[question_id]):
                item_right[question_id] += n
        else:
            chosen[question_id].append((codes or [], n))
    return item_right, scales, chosen


def _frozen(codes):
    """Chosen codes as a key (the JSON list as a tuple)."""
    return tuple(codes) if isinstance(codes, list) else codes


def _group(group: GroupSummary) -> dict:
    """`GroupSummary.as_dict`, its figures rounded once, from their computed values."""
    line = group.as_dict()
    if group.summary is not None:
        line["summary"] = _shown(asdict(group.summary))
    return line


def _shown(figures: dict) -> dict:
    """`figures` as they are shown: each share (`SHARES`) to a whole percentage, each
    other figure to its `PLACES`, half up (`capacita.shared.rounding`); counts and texts as they
    are. `figures` must be the values as computed: rounding a figure already rounded
    (0.824996 → 0.825 → 83 %) could give another number than rounding it once (82 %)."""
    shown = {}
    for key, value in figures.items():
        if key in SHARES:
            value = rounding.share(value)
        elif key in PLACES:
            value = rounding.half_up(value, PLACES[key])
        shown[key] = value
    return shown

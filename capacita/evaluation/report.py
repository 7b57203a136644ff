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

from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Count,
    ExpressionWrapper,
    F,
    FilteredRelation,
    IntegerField,
    JSONField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.utils.translation import gettext as _

from capacita.nominations.models import Gender, Nomination
from capacita.programmes.models import Country, Membership, Profile, Role
from capacita.shared import rounding

from .models import Answer, Question, Questionnaire, Response, Section
from .statistics import (
    GroupSummary,
    counted_by_group,
    counted_expectations_against_satisfaction,
    counted_item_changes,
    counted_knowledge_summary,
    counted_scale_distribution,
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


def evaluation_report(programme, *, whole: bool = True, people: bool = True) -> dict:
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
    tests = dict(Questionnaire.objects.filter(programme=programme).values_list("kind", "pk"))

    # How many took each test, and how many are half way: one grouped query.
    states = {kind: {"submitted": 0, "in_progress": 0} for kind in KINDS}
    for kind, is_submitted, n in (
        Response.objects.filter(questionnaire__programme=programme)
        .order_by()
        .values_list("questionnaire__kind", _IS_SUBMITTED)
        .annotate(n=Count("pk"))
    ):
        states[kind]["submitted" if is_submitted else "in_progress"] += n

    # The participants counted by country and by their two scores, in the database, from
    # each submitted response's kept right answers (`Response.right_answers`): a programme
    # of thousands has a few hundred such lines. With the whole report, by profile and
    # sex/gender too (the nomination that stands: the last in the nominations' order).
    tested = _scored(Membership.objects.filter(programme=programme, role=Role.PARTICIPANT), tests)
    fields = ["country_id", "pre", "post"]
    if whole:
        tested = _nominated(tested, programme)
        fields += ["profile_id", "profile_other", "gender"]
    counted_people = list(tested.values_list(*fields).annotate(n=Count("pk")))

    def score(right, kind):
        """A submitted test's score (None for a test not submitted, or without items)."""
        if right is None or not knowledge[kind]:
            return None
        return right / len(knowledge[kind])

    country_names = {
        country.pk: country.name
        for country in Country.objects.filter(
            pk__in={row[0] for row in counted_people if row[0] is not None}
        )
    }
    profiles = {
        profile.pk: str(profile)
        for profile in Profile.objects.filter(
            pk__in={row[3] for row in counted_people if whole and row[3] is not None}
        )
    }
    # Labels worked out once, not once per line.
    genders = {value: str(label) for value, label in Gender.choices}
    not_given = str(_("not given"))
    scores, by_country, by_profile, by_gender = Counter(), [], [], []
    for country_id, right_pre, right_post, *nominated, n in counted_people:
        pre, post = score(right_pre, "pre"), score(right_post, "post")
        scores[(pre, post)] += n
        if pre is None and post is None:
            continue
        by_country.append((country_names.get(country_id, "—"), pre, post, n))
        if not whole:
            continue
        profile_id, other, gender = nominated
        profile = (profiles.get(profile_id) or "") if profile_id else (other or "")
        by_profile.append((profile or not_given, pre, post, n))
        by_gender.append((genders.get(gender or "", "") or not_given, pre, post, n))

    # The submitted answers are counted in the database, grouped, not read one by one: a
    # programme of thousands has hundreds of thousands of them. Per question, what was
    # chosen (`_counted_answers`); the summary shows the scales alone of it.
    counted_questions = (
        questions if whole else [q for q in questions if q.kind == Question.Kind.SCALE]
    )
    item_right, scales, chosen = _counted_answers(programme, counted_questions, by_pk, correct)
    counted = defaultdict(lambda: {"pre": [0, 0], "post": [0, 0]})
    for kind in KINDS:
        for question in knowledge[kind]:
            line = counted[question.code][kind]
            line[0] += states[kind]["submitted"]
            line[1] += item_right[question.pk]
    texts = defaultdict(list)
    written = [
        question.pk for question in questions if whole and question.kind == Question.Kind.TEXT
    ]
    for question_id, text in (
        _submitted_answers(programme)
        .filter(question_id__in=written)
        .exclude(text="")
        .order_by("response__submitted_at", "response_id")
        .values_list("question_id", "text")
    ):
        if text.strip():
            texts[question_id].append(text.strip())

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
            "participants": scores.total(),
            **{kind: dict(states[kind]) for kind in KINDS},
        },
        "knowledge": _shown(asdict(counted_knowledge_summary(scores))),
        "by_country": [_group(group) for group in counted_by_group(by_country)],
        # The pre-test's means of expectations, the post-test's of satisfaction.
        "expectations_satisfaction": _expectations_satisfaction(tests),
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
        "by_profile": [_group(group) for group in counted_by_group(by_profile)],
        "by_gender": [_group(group) for group in _every_gender(counted_by_group(by_gender))],
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
        "participants": (
            list(participant_lines(programme, items=_counted(knowledge)).values()) if people else []
        ),
    }


def country_knowledge(programme, country) -> dict | None:
    """The knowledge line of `country` in `evaluation_report(programme)["by_country"]`,
    worked out from its own participants only (a group's line depends on its people alone):
    None when none of them took a test."""
    _questions_, _by_pk, knowledge, _correct = _questions(programme)
    tests = dict(Questionnaire.objects.filter(programme=programme).values_list("kind", "pk"))
    counted = (
        _scored(
            Membership.objects.filter(programme=programme, role=Role.PARTICIPANT, country=country),
            tests,
        )
        .values_list("pre", "post")
        .annotate(n=Count("pk"))
    )

    def score(right, kind):
        return right / len(knowledge[kind]) if right is not None and knowledge[kind] else None

    name = country.name
    rows = [(name, score(pre, "pre"), score(post, "post"), n) for pre, post, n in counted]
    return next(
        (
            _group(group)
            for group in counted_by_group(rows)
            if group.label == name and not group.pooled
        ),
        None,
    )


def participant_rows(programme):
    """The participants in the report's order (country, last name, first name), each as
    (id, first name, last name, e-mail): what a page of them is searched in."""
    return (
        Membership.objects.filter(programme=programme, role=Role.PARTICIPANT)
        .order_by("country__code", "user__last_name", "user__first_name")
        .values_list("user_id", "user__first_name", "user__last_name", "user__email")
    )


def participant_lines(programme, user_ids=None, items=None) -> dict:
    """Each participant's line of the report (all of them, or those of `user_ids`), by their
    id, in the report's order: their scores, and where each test stands for them
    (`"submitted"`, `"in_progress"` or `None`), from the responses' kept counts; `items`, how
    many knowledge items each test has, when the caller knows."""
    if items is None:
        items = _items_per_test(programme)
    memberships = Membership.objects.filter(programme=programme, role=Role.PARTICIPANT)
    responses = Response.objects.filter(questionnaire__programme=programme)
    if user_ids is not None:
        memberships = memberships.filter(user_id__in=user_ids)
        responses = responses.filter(user_id__in=user_ids)
    taken = {}
    for user_id, kind, is_submitted, right in responses.order_by().values_list(
        "user_id", "questionnaire__kind", _IS_SUBMITTED, "right_answers"
    ):
        score = right / items[kind] if is_submitted and items[kind] else None
        taken[(user_id, kind)] = ("submitted" if is_submitted else "in_progress", score)
    lines = {}
    for user_id, email, first_name, last_name, code in memberships.order_by(
        "country__code", "user__last_name", "user__first_name"
    ).values_list("user_id", "user__email", "user__first_name", "user__last_name", "country__code"):
        pre_state, pre = taken.get((user_id, "pre"), (None, None))
        post_state, post = taken.get((user_id, "post"), (None, None))
        lines[user_id] = {
            "email": email,
            "name": f"{first_name} {last_name}".strip(),
            "user_id": user_id,
            "country": code,
            "pre": rounding.share(pre),
            "post": rounding.share(post),
            "pre_state": pre_state,
            "post_state": post_state,
        }
    return lines


def _items_per_test(programme) -> dict:
    """How many knowledge items each test has (as `_questions`' lists), in one query: what
    a score is out of."""
    counted = dict(
        Question.objects.filter(
            section__questionnaire__programme=programme,
            section__kind=Section.Kind.KNOWLEDGE,
            kind__in=Question.CHOOSING,
        )
        .order_by()
        .values_list("section__questionnaire__kind")
        .annotate(n=Count("pk"))
    )
    return {kind: counted.get(kind, 0) for kind in KINDS}


def _counted(knowledge) -> dict:
    """How many knowledge items each test has, from `_questions`' lists."""
    return {kind: len(knowledge[kind]) for kind in KINDS}


def _scored(memberships, tests):
    """`memberships` with each person's kept right answers (`Response.right_answers`) in
    their submitted pre-test and post-test, as `pre` and `post` (NULL for a test they did not
    submit): each response joined, so that the database counts them grouped."""
    memberships = memberships.order_by()
    for kind in KINDS:
        if tests.get(kind) is None:
            memberships = memberships.annotate(**{kind: Value(None, output_field=IntegerField())})
            continue
        memberships = memberships.annotate(
            **{
                f"{kind}_response": FilteredRelation(
                    "user__test_responses",
                    condition=Q(
                        user__test_responses__questionnaire_id=tests[kind],
                        user__test_responses__submitted_at__isnull=False,
                    ),
                )
            }
        ).annotate(**{kind: F(f"{kind}_response__right_answers")})
    return memberships


def _nominated(memberships, programme):
    """`memberships` with the profile, other profile and sex/gender of each person's
    nomination to `programme` (the one that stands: the last in the nominations' order)."""
    fields = ("profile_id", "profile_other", "gender")
    nominated = Nomination.objects.filter(programme=programme, user__isnull=False).order_by()
    if nominated.values("user_id").annotate(n=Count("pk")).filter(n__gt=1).exists():
        # Someone nominated twice: their last nomination, one subquery per field.
        standing = nominated.filter(user_id=OuterRef("user_id")).order_by(
            "-country", "-created_at", "-id"
        )
        return memberships.annotate(
            **{name: Subquery(standing.values(name)[:1]) for name in fields}
        )
    memberships = memberships.annotate(
        nomination=FilteredRelation(
            "user__nominations", condition=Q(user__nominations__programme=programme)
        )
    )
    return memberships.annotate(**{name: F(f"nomination__{name}") for name in fields})


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


def _expectations_satisfaction(tests) -> dict:
    """Each person's mean answer to the pre-test's expectation questions beside their mean
    answer to the post-test's satisfaction questions, from the submitted responses' kept
    sums (`Response.scale_total`, `scale_answers`), counted by the database: everyone who
    gave either, paired where they gave both."""
    counted = Counter()

    def mean(total, n):
        return total / n if n else None

    answered = Response.objects.filter(submitted_at__isnull=False, scale_answers__gt=0).order_by()
    expected = answered.filter(questionnaire_id=tests.get("pre"))
    satisfied = answered.filter(questionnaire_id=tests.get("post"))
    after = FilteredRelation(
        "user__test_responses",
        condition=Q(
            user__test_responses__questionnaire_id=tests.get("post"),
            user__test_responses__submitted_at__isnull=False,
            user__test_responses__scale_answers__gt=0,
        ),
    )
    for total, n, total_after, n_after, many in (
        expected.annotate(after=after)
        .values_list("scale_total", "scale_answers", "after__scale_total", "after__scale_answers")
        .annotate(many=Count("pk"))
    ):
        counted[(mean(total, n), mean(total_after, n_after))] += many
    for total, n, many in (
        satisfied.exclude(user_id__in=expected.values("user_id"))
        .values_list("scale_total", "scale_answers")
        .annotate(many=Count("pk"))
    ):
        counted[(None, mean(total, n))] += many
    return _shown(counted_expectations_against_satisfaction(counted, rounded=False))


def _counted_answers(programme, questions, by_pk, correct):
    """Grouped by question and what was chosen: the right answers to each knowledge item
    (the kept verdict `Answer.is_right`, which `scoring.verdict` gives from the one rule),
    how often each point of each scale was chosen (None for blank), and each other choice
    question's chosen codes with how often.

    The submitted answers are all the answers to the programme's questions but those of
    drafts: both are counted without reading their responses (`Answer`'s index
    "evaluation_answer_counted" holds what is counted), and the drafts' taken off. Only the
    choice questions without a key are grouped by their chosen codes on PostgreSQL, where
    hashing every answer's codes (JSON) was most of the query's time."""
    asked = [q.pk for q in questions if q.has_choices or q.kind == Question.Kind.SCALE]
    listed = [
        q.pk
        for q in questions
        if q.has_choices and q.kind != Question.Kind.SCALE and q.pk not in correct
    ]
    if connection.vendor == "sqlite":
        # SQLite reads the groups in the order of the index, the codes among its columns:
        # no sorting, and no cheaper without them.
        codes_of_listed = F("choice_codes")
    elif listed:
        codes_of_listed = Case(
            When(question_id__in=listed, then=F("choice_codes")), output_field=JSONField()
        )
    else:
        codes_of_listed = Value(None, output_field=JSONField())
    tally, given = Counter(), {}
    drafts = Response.objects.filter(questionnaire__programme=programme, submitted_at=None)
    for answers, sign in (
        (Answer.objects.filter(question_id__in=asked), 1),
        # Read through the drafts (few), whatever their questions (only the programme's).
        (Answer.objects.filter(response_id__in=drafts.values("pk")), -1),
    ):
        for question_id, codes, scale, right, n in (
            answers.order_by()
            .annotate(listed_codes=codes_of_listed)
            .values_list("question_id", "listed_codes", "scale", "is_right")
            .annotate(n=Count("pk"))
        ):
            key = (question_id, _frozen(codes), scale, right)
            tally[key] += sign * n
            given.setdefault(key, codes)
    item_right, scales, chosen = Counter(), defaultdict(Counter), defaultdict(list)
    asked = set(asked)
    for key, n in tally.items():
        question_id, _codes, scale, right = key
        if not n or question_id not in asked:
            continue
        if by_pk[question_id].kind == Question.Kind.SCALE:
            scales[question_id][scale] += n
        elif question_id in correct:
            if right:
                item_right[question_id] += n
        else:
            chosen[question_id].append((given[key] or [], n))
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

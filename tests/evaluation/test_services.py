import datetime as dt

import pytest
from django.utils import timezone

from capacita.audit.models import AuditEvent
from capacita.evaluation import services
from capacita.evaluation.models import Answer, Choice, Question, Questionnaire, Response
from capacita.evaluation.scoring import is_correct, knowledge_score
from capacita.programmes.models import Programme

from .conftest import full_answers

pytestmark = pytest.mark.django_db


def test_window_states(pre):
    now = timezone.now()
    pre.opens_at = now + dt.timedelta(minutes=5)
    pre.closes_at = now + dt.timedelta(hours=1)
    assert services.questionnaire_window_state(pre, now) == "not_yet"
    assert services.questionnaire_window_state(pre, pre.opens_at) == "open"
    assert services.questionnaire_window_state(pre, pre.closes_at) == "closed"
    pre.manual_state = "open"
    assert services.questionnaire_window_state(pre, pre.closes_at) == "open"
    pre.manual_state = "closed"
    assert services.questionnaire_window_state(pre, pre.opens_at) == "closed"
    pre.manual_state = "auto"
    pre.opens_at = pre.closes_at = None
    assert services.questionnaire_window_state(pre, now) == "open"


def test_scoring_single_and_multiple(pre):
    question = Question.objects.get(section__questionnaire=pre, code="K01")
    assert is_correct(question, ["c"])
    assert not is_correct(question, ["a"])
    assert not is_correct(question, ["a", "c"])
    assert not is_correct(question, [])
    question.kind = Question.Kind.MULTIPLE
    Choice.objects.filter(question=question, code="a").update(is_correct=True)
    services.answer_key_changed([question])  # the key changed: the kept verdicts follow
    assert is_correct(question, ["a", "c"])
    assert not is_correct(question, ["c"])


def test_draft_then_submit(pre, users):
    participant = users["participant"]
    response = services.save_answers(pre, participant, {"K01": "c", "K02": "a"}, submit=False)
    assert not response.is_submitted
    assert Answer.objects.filter(response=response).count() == 2
    # Coming back: the earlier answers are still there, new ones are added.
    services.save_answers(pre, participant, {"K03": "c"}, submit=False)
    codes = dict(
        Answer.objects.filter(response=response).values_list("question__code", "choice_codes")
    )
    assert codes == {"K01": ["c"], "K02": ["a"], "K03": ["c"]}
    # Submitting without every required answer: refused, each missing question named.
    with pytest.raises(services.MissingAnswers) as error:
        services.save_answers(pre, participant, {}, submit=True)
    assert any("K04" in problem for problem in error.value.problems)
    response.refresh_from_db()
    assert not response.is_submitted
    data = full_answers(pre)
    data["K02"] = "a"  # wrong
    response = services.save_answers(pre, participant, data, submit=True)
    assert response.is_submitted
    assert knowledge_score(response) == pytest.approx(0.9)
    assert AuditEvent.objects.filter(action="evaluation.submitted", subject_id=str(response.pk))
    with pytest.raises(services.EvaluationError, match="already submitted"):
        services.save_answers(pre, participant, {"K01": "a"}, submit=False)


def test_refused_outside_window_and_for_non_participants(pre, users):
    pre.closes_at = timezone.now() - dt.timedelta(minutes=1)
    pre.save()
    with pytest.raises(services.EvaluationError, match="closed"):
        services.save_answers(pre, users["participant"], full_answers(pre), submit=True)
    pre.closes_at = None
    pre.opens_at = timezone.now() + dt.timedelta(days=1)
    pre.save()
    with pytest.raises(services.EvaluationError, match="not open yet"):
        services.save_answers(pre, users["participant"], {"K01": "c"}, submit=False)
    pre.opens_at = None
    pre.save()
    for role in ("focal_point", "manager", "observer", "outsider"):
        with pytest.raises(services.EvaluationError):
            services.save_answers(pre, users[role], {"K01": "c"}, submit=False)
    assert not Response.objects.filter(questionnaire=pre, user=users["participant"]).exists()


def test_invalid_values_save_nothing(pre, users):
    with pytest.raises(services.EvaluationError) as error:
        services.save_answers(pre, users["participant"], {"K01": "z", "E01": "9"}, submit=False)
    assert len(error.value.problems) == 2
    assert not Answer.objects.filter(
        response__user=users["participant"], response__questionnaire=pre
    )


def test_copy_questionnaire(pre):
    target = Programme.objects.create(
        slug="copy-target",
        title_es="Copia",
        title_en="Copy",
        description_es="d",
        description_en="d",
        general_objective_es="o",
        general_objective_en="o",
        start_date=dt.date(2022, 1, 1),
        end_date=dt.date(2022, 2, 1),
    )
    copy = services.copy_questionnaire(pre, target)
    # A programme without sessions yet: no dates to open around.
    assert copy.programme == target and copy.opens_at is None and copy.closes_at is None
    original = list(
        Question.objects.filter(section__questionnaire=pre).values_list("code", "text_en")
    )
    copied = list(
        Question.objects.filter(section__questionnaire=copy).values_list("code", "text_en")
    )
    assert copied == original
    assert (
        Choice.objects.filter(question__section__questionnaire=copy, is_correct=True).count() == 10
    )
    assert not copy.responses.exists()
    with pytest.raises(services.EvaluationError):
        services.copy_questionnaire(pre, target)


def test_import_all_or_nothing(pre, users, other_participant):
    rows = [
        (2, {"email": "participant.mx@example.org", "K01": "c", "E01": "5"}),
        (3, {"email": "nobody@example.org", "K01": "c"}),
        (4, {"email": "focal.mx@example.org", "K01": "c"}),
        (5, {"email": "participant.do@example.org", "K01": "x", "E02": "7"}),
    ]
    outcome = services.import_responses(pre.programme, "pre", rows, actor=users["manager"])
    assert not outcome.ok
    reasons = {v.number: v.reasons for v in outcome.verdicts}
    assert reasons[2] == []
    assert "unknown e-mail" in reasons[3][0]
    assert "not a participant" in reasons[4][0]
    assert len(reasons[5]) == 2
    assert not Response.objects.filter(questionnaire=pre, user=users["participant"]).exists()

    good = [rows[0], (3, {"email": "participant.do@example.org", "K01": "a, b"})]
    outcome = services.import_responses(pre.programme, "pre", good, actor=users["manager"])
    assert not outcome.ok  # K01 is single choice
    good[1] = (3, {"email": "PARTICIPANT.DO@example.org", "K01": "a"})
    outcome = services.import_responses(
        pre.programme, "pre", good, actor=users["manager"], dry_run=True
    )
    assert outcome.ok and outcome.saved == 2
    assert not Response.objects.filter(questionnaire=pre, user=users["participant"]).exists()
    outcome = services.import_responses(pre.programme, "pre", good, actor=users["manager"])
    assert outcome.ok and outcome.saved == 2
    response = Response.objects.get(questionnaire=pre, user=other_participant)
    assert response.source == "import" and response.is_submitted
    assert AuditEvent.objects.filter(action="evaluation.imported").count() == 2
    # Already submitted: refused.
    outcome = services.import_responses(pre.programme, "pre", good, actor=users["manager"])
    assert all("already submitted" in v.reasons[0] for v in outcome.verdicts)


def test_import_unknown_column(pre, users):
    rows = [(2, {"email": "participant.mx@example.org", "Z99": "1"})]
    outcome = services.import_responses(pre.programme, "pre", rows, actor=None)
    assert not outcome.ok and "Z99" in outcome.problems[0]


def test_questionnaire_unique_per_kind(pre):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Questionnaire.objects.create(
            programme=pre.programme, kind="pre", title_es="x", title_en="x"
        )


def test_question_code_unique_in_questionnaire(pre):
    from django.core.exceptions import ValidationError

    k01 = Question.objects.get(section__questionnaire=pre, code="K01")
    clash = Question(section=k01.section, position=99, code="k01", kind="single")
    with pytest.raises(ValidationError):
        clash.clean()
    k01.clean()  # itself is no clash


def test_the_default_windows_surround_session_1_and_session_3(programme):
    sessions = {session.number: session for session in programme.sessions.all()}
    opens, closes = services.default_window(programme, "pre")
    assert opens == sessions[1].starts_at - dt.timedelta(minutes=30)
    assert closes == sessions[1].starts_at + dt.timedelta(days=2)
    opens, closes = services.default_window(programme, "post")
    assert opens == sessions[3].starts_at
    assert closes == sessions[3].ends_at + dt.timedelta(days=7)


def test_a_copy_opens_around_the_target_programmes_sessions(programme):
    from capacita.agenda.models import VirtualSession

    target = Programme.objects.create(
        slug="copy-with-sessions",
        title_es="Copia",
        title_en="Copy",
        description_es="d",
        description_en="d",
        general_objective_es="o",
        general_objective_en="o",
        start_date=dt.date(2022, 10, 4),
        end_date=dt.date(2022, 10, 6),
    )
    start = dt.datetime(2022, 10, 4, 19, tzinfo=dt.UTC)
    for number in (1, 2):
        VirtualSession.objects.create(
            programme=target,
            number=number,
            title_es=f"Sesión {number}",
            title_en=f"Session {number}",
            starts_at=start + dt.timedelta(days=number - 1),
            ends_at=start + dt.timedelta(days=number - 1, hours=2),
        )
    post = Questionnaire.objects.get(programme=programme, kind="post")
    copy = services.copy_questionnaire(post, target)
    # Two sessions only: the post-test surrounds the last one.
    assert copy.opens_at == start + dt.timedelta(days=1)
    assert copy.closes_at == start + dt.timedelta(days=1, hours=2) + dt.timedelta(days=7)

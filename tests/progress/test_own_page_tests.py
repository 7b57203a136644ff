"""The participant's own page lists the pre-test and post-test and where they stand."""

from __future__ import annotations

from django.utils import timezone

from capacita.evaluation.models import Questionnaire, Response

MINE = "/en/programmes/crm-2021/me/"


def test_the_own_page_links_both_tests_pre_test_first(client_as, programme):
    content = client_as("participant").get(MINE).content.decode()
    pre = content.index('id="my-test-pre"')
    post = content.index('id="my-test-post"')
    assert pre < post
    assert "/en/programmes/crm-2021/tests/pre/" in content
    assert "/en/programmes/crm-2021/tests/post/" in content


def test_an_open_test_invites_the_participant_to_answer(client_as, programme):
    Questionnaire.objects.filter(programme=programme, kind="pre").update(manual_state="open")
    content = client_as("participant").get(MINE).content.decode()
    line = content[content.index('id="my-test-pre"') :].split("</li>")[0]
    assert "open: answer it now" in line


def test_a_submitted_test_shows_as_answered_with_the_score(client_as, programme, users):
    questionnaire = Questionnaire.objects.get(programme=programme, kind="pre")
    Response.objects.create(
        questionnaire=questionnaire,
        user=users["participant"],
        language="en",
        submitted_at=timezone.now(),
    )
    content = client_as("participant").get(MINE).content.decode()
    line = content[content.index('id="my-test-pre"') :].split("</li>")[0]
    assert "answered" in line
    assert "(0 %)" in line  # submitted without a single correct answer


def test_observers_see_no_tests(client_as, programme):
    content = client_as("observer").get(MINE).content.decode()
    assert 'id="my-test-pre"' not in content

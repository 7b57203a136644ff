import pytest
from playwright.sync_api import expect

from capacita.accounts.models import User
from capacita.evaluation.models import Questionnaire, Response
from capacita.evaluation.scoring import knowledge_score

from .test_attendance_in_browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ITEMS = [f"K{number:02d}" for number in range(1, 11)]


def test_a_participant_answers_in_two_sittings_and_a_manager_reads_the_report(page, demo):
    Questionnaire.objects.filter(programme=demo, kind="pre").update(manual_state="open")
    participant = User.objects.get(email="participant.mx@example.org")

    # First sitting: half the knowledge questions, saved, then the participant leaves.
    log_in(page, participant.email)
    page.goto("/en/programmes/crm-2021/tests/pre/")
    for code in ITEMS[:5]:
        page.locator(f'input[name="{code}"][value="b"]').check()
    page.get_by_role("button", name="Save and continue later").click()
    expect(page.locator(".messages")).to_contain_text("Your answers were saved")
    page.get_by_role("button", name="Log out").click()

    # Second sitting: the saved answers are there; the rest is answered and submitted.
    log_in(page, participant.email)
    page.goto("/en/programmes/crm-2021/tests/pre/")
    for code in ITEMS[:5]:
        expect(page.locator(f'input[name="{code}"][value="b"]')).to_be_checked()
    for code in ITEMS[5:]:
        page.locator(f'input[name="{code}"][value="a"]').check()
    for code in ("E01", "E02", "E03"):
        page.locator(f'input[name="{code}"][value="5"]').check()
    page.get_by_label("E04. What would you like to learn in this programme?").fill(
        "How to refer people who were deceived by a recruiter."
    )
    page.get_by_role("button", name="Submit my answers").click()
    expect(page.locator("#submitted")).to_contain_text("They can no longer be changed")
    response = Response.objects.get(questionnaire__kind="pre", user=participant)
    assert response.is_submitted
    score = round(knowledge_score(response) * 100)
    expect(page.locator("#score")).to_contain_text(f"{score} %")
    expect(page.locator("#test-form")).to_have_count(0)
    page.get_by_role("button", name="Log out").click()

    # The manager reads the report: figures, charts with their text, the written answer.
    log_in(page, "manager@example.org")
    page.goto("/en/programmes/crm-2021/")
    page.get_by_role("link", name="Run the programme: the console").click()
    page.get_by_role("link", name="Pre-test and post-test report").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pre-test and post-test report")
    expect(page.locator("#headline")).to_contain_text("the mean score went from")
    charts = page.get_by_role("img")
    expect(page.locator("svg.chart")).to_have_count(4)
    expect(charts.filter(has_text="Share of correct answers per item")).to_have_count(1)
    expect(page.locator("#item-figures")).to_contain_text("K10")
    expect(page.locator("#texts-pre-E04")).to_contain_text(
        "How to refer people who were deceived by a recruiter."
    )
    chart_box = page.locator("#chart-items-title").locator("xpath=..").bounding_box()
    assert chart_box and chart_box["width"] > 200 and chart_box["height"] > 100

    # From the participants' table to the participant's answers.
    row = page.locator("#participant-scores tr", has_text=participant.get_full_name())
    row.get_by_role("link", name=f"{score} %").click()
    expect(page.locator("#score")).to_contain_text(f"Knowledge score: {score} %")
    expect(page.locator("main")).to_contain_text("How to refer people who were deceived")

import pytest
from playwright.sync_api import expect

from capacita.groupwork.models import GroupMember

from .test_attendance_in_browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_two_members_write_one_answer_and_the_plenary_shows_it(page, browser, live_server, demo):
    group = GroupMember.objects.get(
        session_work__session__number=2, user__email="participant.mx@example.org"
    ).group
    assert group.memberships.filter(user__email="participant.do@example.org").exists()
    question = group.questions.first()
    editor = f"#answer-{question.pk}"

    ana = page
    log_in(ana, "participant.mx@example.org")
    ana.goto("/en/programmes/crm-2021/sessions/2/group/")
    other_context = browser.new_context(base_url=live_server.url)
    luis = other_context.new_page()
    log_in(luis, "participant.do@example.org")
    luis.goto("/en/programmes/crm-2021/sessions/2/group/")

    # Both have the page open; the first saves.
    ana.locator(editor).fill("Capacidades: oficinas en frontera.")
    ana.locator(f"#question-{question.pk}").get_by_role("button", name="Save the answer").click()
    expect(ana.locator(".messages")).to_contain_text("Your group's answer was saved")

    # The second saves on the version they opened: told, nothing lost, both texts shown.
    luis.locator(editor).fill("Áreas de oportunidad: intérpretes.")
    luis.locator(f"#question-{question.pk}").get_by_role("button", name="Save the answer").click()
    conflict = luis.locator(f"#conflict-{question.pk}")
    expect(conflict).to_contain_text("Capacidades: oficinas en frontera.")
    expect(conflict).to_contain_text("Áreas de oportunidad: intérpretes.")
    expect(luis.locator(editor)).to_have_value("Áreas de oportunidad: intérpretes.")
    luis.locator(editor).fill(
        "Capacidades: oficinas en frontera.\nÁreas de oportunidad: intérpretes."
    )
    luis.locator(f"#question-{question.pk}").get_by_role("button", name="Save the answer").click()
    expect(luis.locator(".messages")).to_contain_text("Your group's answer was saved")
    other_context.close()

    ana.get_by_role("button", name="Log out").click()
    log_in(ana, "facilitator@example.org")
    ana.goto("/en/programmes/crm-2021/sessions/2/plenary/")
    column = ana.locator(f"#plenary-{group.pk}")
    expect(column).to_contain_text("Capacidades: oficinas en frontera.")
    expect(column).to_contain_text("Áreas de oportunidad: intérpretes.")
    expect(column).to_contain_text("Version 2")

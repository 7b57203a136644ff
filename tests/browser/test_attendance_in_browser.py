import re

import pytest
from playwright.sync_api import expect

from capacita.accounts.models import User
from capacita.development.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Zoom's participants report for session 1 (26 October 2021, 14:00–16:00 Mexico City), as
# exported by an account set to Mexico City time. The demo participant joined from a phone
# without signing in: only a name nobody has, no e-mail.
ZOOM_REPORT = (
    "Meeting ID,Topic,Start Time,End Time,User Email,Duration (Minutes),Participants\n"
    "81234567890,CRM sesión 1,10/26/2021 01:55:00 PM,10/26/2021 04:02:00 PM,"
    "secretaria@example.org,127,3\n"
    "\n"
    "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest\n"
    "Celular de Demo,,10/26/2021 01:59:00 PM,10/26/2021 03:10:00 PM,71,Yes\n"
    "Celular de Demo,,10/26/2021 03:09:00 PM,10/26/2021 04:01:00 PM,52,Yes\n"
    "Carmen Ejemplo MX-01,nominee.mx.01@example.org,10/26/2021 02:05:00 PM,"
    "10/26/2021 02:30:00 PM,25,No\n"
)


def log_in(page, email):
    page.goto("/en/accounts/login/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.locator("main").get_by_role("button", name="Log in").click()


def test_a_manager_imports_a_zoom_report_matches_a_row_and_the_participant_sees_it(page, demo):
    participant = User.objects.get(email="participant.mx@example.org")
    log_in(page, "manager@example.org")
    page.goto("/en/programmes/crm-2021/sessions/1/attendance/")
    page.get_by_label("Zoom participants report (CSV)").set_input_files(
        files=[{"name": "participants.csv", "mimeType": "text/csv", "buffer": ZOOM_REPORT.encode()}]
    )
    page.get_by_role("button", name="Import the report").click()

    unmatched = page.locator("#unmatched")
    expect(unmatched).to_contain_text("Celular de Demo")
    # Carmen was matched by her e-mail, but 25 minutes are not 75 % of the session.
    carmen = User.objects.get(email="nominee.mx.01@example.org")
    expect(page.locator(f"#person-{carmen.pk}")).to_contain_text("absent")

    row = unmatched.locator("tr", has_text="Celular de Demo")
    row.locator("select").select_option(str(participant.pk))
    row.get_by_role("button", name="Match").click()
    expect(page.locator("#unmatched")).to_have_count(0)
    expect(page.locator(f"#person-{participant.pk}")).to_contain_text("present")

    page.get_by_role("button", name="Log out").click()
    log_in(page, "participant.mx@example.org")
    page.goto("/en/programmes/crm-2021/me/")
    expect(page.locator("#my-session-1")).to_contain_text("attended")
    expect(page.locator("#my-session-2")).to_contain_text("not yet recorded")
    expect(page).to_have_url(re.compile(r"/en/programmes/crm-2021/me/$"))

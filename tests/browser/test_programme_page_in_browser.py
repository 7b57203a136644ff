import re

import pytest
from icalendar import Calendar
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def first_time_cell(page):
    return page.locator("#session-1 tbody tr").first.locator("td.viewer-time time")


def test_a_visitor_reads_the_programme_in_both_languages_and_changes_time_zone(page, demo):
    page.goto("/es/programmes/crm-2021/")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.locator("h1")).to_contain_text("Programa de capacitación")
    expect(page.locator("#session-1-title")).to_contain_text("Migración laboral")
    expect(first_time_cell(page)).to_have_text("14:00–14:10")
    expect(page.locator("#zone-note")).to_contain_text("hora de Ciudad de México")

    page.get_by_role("link", name="English").click()
    expect(page).to_have_url(re.compile(r"/en/programmes/crm-2021/$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_contain_text("Training programme")
    expect(page.locator("#session-1-title")).to_contain_text("Labour migration")

    page.locator("#tz").select_option("America/Santo_Domingo")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"tz=America%2FSanto_Domingo"))
    expect(first_time_cell(page)).to_have_text("15:00–15:10")
    expect(page.locator("#zone-note")).to_contain_text("Santo Domingo Time")
    expect(page.locator("#zone-note")).to_contain_text("Mexico City Time")
    # The programme's own time stays beside the viewer's.
    expect(page.locator("#session-1 tbody tr").first.locator("td.programme-time")).to_contain_text(
        "14:00–14:10"
    )

    page.get_by_role("link", name="Español").click()
    expect(page).to_have_url(re.compile(r"/es/programmes/crm-2021/\?tz=America%2FSanto_Domingo"))
    expect(first_time_cell(page)).to_have_text("15:00–15:10")


def test_a_visitor_downloads_the_calendar_file(page, demo, tmp_path):
    page.goto("/en/programmes/crm-2021/")
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("Add the sessions to your calendar")).click()
    download = download_info.value
    assert download.suggested_filename.endswith(".ics")
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    calendar = Calendar.from_ical(path.read_bytes())
    events = calendar.walk("VEVENT")
    assert [str(event["UID"]) for event in events] == [
        f"crm-2021-session-{number}@capacita" for number in (1, 2, 3)
    ]
    assert "Labour migration" in str(events[0]["SUMMARY"])

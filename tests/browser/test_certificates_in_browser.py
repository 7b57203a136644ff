import pytest
from playwright.sync_api import expect

from capacita.accounts.models import User
from capacita.certificates import services
from tests.progress.conftest import complete_everything

from .test_attendance_in_browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_participant_downloads_the_certificate_and_a_visitor_verifies_it(page, demo):
    participant = User.objects.get(email="participant.mx@example.org")
    complete_everything(demo, participant)
    [certificate] = services.issue_certificates(demo).issued

    log_in(page, participant.email)
    page.goto("/en/programmes/crm-2021/me/")
    expect(page.locator("#my-certificate")).to_contain_text(certificate.formatted_code)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download my certificate (PDF)").click()
    download = download_info.value
    assert download.suggested_filename.endswith(f"{certificate.code}.pdf")
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    page.get_by_role("button", name="Log out").click()

    # An anonymous visitor types the code, loosely, in the verification form.
    page.goto("/en/")
    page.get_by_role("link", name="Verify a certificate").click()
    page.get_by_label("Code printed on the certificate").fill(
        certificate.formatted_code.lower().replace("-", " ")
    )
    page.get_by_role("button", name="Verify").click()
    expect(page.locator("#verdict")).to_contain_text("Valid certificate")
    expect(page.locator("#holder")).to_have_text(participant.get_full_name())
    expect(page.locator("main")).not_to_contain_text(participant.email)

"""The public verification page, the holder's download, the managers' page and archive."""

import datetime as dt
import io
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from capacita.certificates import services
from capacita.certificates.models import Certificate, FailedLookup

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(programme, eligible, users):
    [issued] = services.issue_certificates(programme, users["manager"]).issued
    return issued


def verify_url(code):
    return reverse("verification:verify", kwargs={"code": code})


def test_a_valid_code_shows_the_holder_programme_dates_and_issue_date(client, certificate):
    page = client.get(verify_url(certificate.formatted_code))
    assert page.status_code == 200
    content = page.content.decode()
    assert "Valid certificate" in content
    assert certificate.holder_name in content
    assert certificate.programme.title in content
    assert "From Tuesday 26 October 2021 to Friday 29 October 2021" in content
    assert certificate.issued_at.astimezone(certificate.programme.zone).strftime("%Y") in content
    # No e-mail or other personal data.
    assert certificate.user.email not in content and "@" not in content.split("<main", 1)[1]


def test_a_code_typed_loosely_finds_the_certificate(client, certificate):
    typed = certificate.formatted_code.lower().replace("-", " ")
    response = client.get(reverse("verification:lookup"), {"code": typed})
    assert response.status_code == 302
    assert response["Location"] == verify_url(certificate.formatted_code)
    assert client.get(verify_url(certificate.code)).status_code == 200


def test_a_revoked_code_says_so_with_the_date(client, certificate, users):
    services.revoke(certificate, "Error", users["manager"])
    content = client.get(verify_url(certificate.formatted_code)).content.decode()
    assert "Revoked certificate" in content and "was revoked on" in content
    assert certificate.holder_name not in content


def test_a_replaced_code_says_replaced(client, certificate, users):
    new = services.reissue(certificate, "Nombre corregido", users["manager"])
    old_page = client.get(verify_url(certificate.formatted_code)).content.decode()
    assert "Replaced certificate" in old_page and "was replaced by a new certificate" in old_page
    assert "Valid certificate" in client.get(verify_url(new.formatted_code)).content.decode()


def test_an_unknown_code_is_not_found(client, db):
    page = client.get(verify_url("AAAA-BBBB-CCCC-DDDD"))
    assert page.status_code == 404
    assert "No such certificate" in page.content.decode()
    assert FailedLookup.objects.count() == 1


def test_a_forwarded_address_that_is_no_address_counts_as_the_connections(client, db, settings):
    # A proxy passes on whatever the visitor wrote in X-Forwarded-For: it must not reach the
    # address column (PostgreSQL's inet would refuse it with a server error).
    settings.TRUSTED_PROXY_COUNT = 1
    page = client.get(
        verify_url("AAAA-BBBB-CCCC-DDDD"),
        HTTP_X_FORWARDED_FOR="not-an-address",
        REMOTE_ADDR="192.0.2.7",
    )
    assert page.status_code == 404
    assert list(FailedLookup.objects.values_list("address", flat=True)) == ["192.0.2.7"]


def look_up_unknown_codes(client, count, address="127.0.0.1"):
    for number in range(count):
        response = client.get(verify_url(f"AAAA-BBBB-CCCC-{number:04d}"), REMOTE_ADDR=address)
        assert response.status_code == 404


def test_past_the_limit_of_unknown_codes_a_valid_code_still_verifies(client, certificate, settings):
    settings.VERIFY_FAILURE_LIMIT = 3
    look_up_unknown_codes(client, 3)
    assert client.get(verify_url("AAAA-BBBB-CCCC-DDDE")).status_code == 429
    # An office behind one address checks a real certificate: it is verified, at once.
    page = client.get(verify_url(certificate.formatted_code))
    assert page.status_code == 200
    assert "Valid certificate" in page.content.decode()
    typed = client.get(reverse("verification:lookup"), {"code": certificate.code.lower()})
    assert client.get(typed["Location"]).status_code == 200


def test_past_the_limit_an_unknown_code_gets_429_with_retry_after(client, certificate, settings):
    settings.VERIFY_FAILURE_LIMIT = 3
    settings.VERIFY_FAILURE_WINDOW_SECONDS = 600
    look_up_unknown_codes(client, 3)
    for _ in range(5):
        throttled = client.get(verify_url("AAAA-BBBB-CCCC-DDDE"))
        assert throttled.status_code == 429
        assert 590 <= int(throttled["Retry-After"]) <= 600
    content = throttled.content.decode()
    assert "Too many attempts" in content
    assert "still verified at once" in content and "wait 10 minutes" in content
    # The form stays: a real code can be typed.
    assert 'name="code"' in content
    # Looks-ups during the wait are not recorded: they neither lengthen it nor fill the table.
    assert FailedLookup.objects.count() == 3
    # Another address does not wait.
    other = client.get(verify_url("AAAA-BBBB-CCCC-DDDE"), REMOTE_ADDR="203.0.113.9")
    assert other.status_code == 404


def test_the_wait_is_said_in_spanish(client, db, settings):
    settings.VERIFY_FAILURE_LIMIT = 1
    look_up_unknown_codes(client, 1)
    with translation.override("es"):
        page = client.get(verify_url("AAAA-BBBB-CCCC-DDDE"))
    assert page.status_code == 429
    assert "espere 10 minutos" in page.content.decode()


def test_the_wait_ends_when_the_oldest_counted_failure_leaves_the_window(client, db, settings):
    settings.VERIFY_FAILURE_LIMIT = 2
    settings.VERIFY_FAILURE_WINDOW_SECONDS = 600
    look_up_unknown_codes(client, 2)
    now = timezone.now()
    first, second = FailedLookup.objects.order_by("pk")
    FailedLookup.objects.filter(pk=first.pk).update(at=now - dt.timedelta(seconds=590))
    FailedLookup.objects.filter(pk=second.pk).update(at=now - dt.timedelta(seconds=100))
    throttled = client.get(verify_url("AAAA-BBBB-CCCC-DDDD"))
    assert throttled.status_code == 429
    assert 1 <= int(throttled["Retry-After"]) <= 10
    FailedLookup.objects.filter(pk=first.pk).update(at=now - dt.timedelta(seconds=601))
    # One more unknown code is looked up; then the address waits for the second failure.
    assert client.get(verify_url("AAAA-BBBB-CCCC-DDDD")).status_code == 404
    throttled = client.get(verify_url("AAAA-BBBB-CCCC-DDDD"))
    assert throttled.status_code == 429
    assert 490 <= int(throttled["Retry-After"]) <= 500


def test_the_holder_downloads_their_own_certificate(client_as, certificate, programme):
    response = client_as("participant").get(
        reverse("certificates:mine", kwargs={"slug": programme.slug})
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


@pytest.mark.parametrize("how", ["file deleted", "never stored"])
def test_a_certificate_whose_file_is_missing_is_rendered_again(
    client_as, certificate, programme, how
):
    from pypdf import PdfReader

    if how == "file deleted":
        certificate.pdf.storage.delete(certificate.pdf.name)
    else:
        Certificate.objects.filter(pk=certificate.pk).update(pdf="")
    response = client_as("participant").get(
        reverse("certificates:mine", kwargs={"slug": programme.slug})
    )
    assert response.status_code == 200
    text = PdfReader(io.BytesIO(b"".join(response.streaming_content))).pages[0].extract_text()
    assert certificate.formatted_code in text
    stored = Certificate.objects.get(pk=certificate.pk).pdf
    assert stored.name and stored.storage.exists(stored.name)


def test_nobody_downloads_anothers_certificate(client, certificate, programme, participant_do):
    client.force_login(participant_do)
    mine = client.get(reverse("certificates:mine", kwargs={"slug": programme.slug}))
    assert mine.status_code == 404  # they have none, and this address is only ever theirs
    theirs = client.get(
        reverse("certificates:pdf", kwargs={"slug": programme.slug, "pk": certificate.pk})
    )
    assert theirs.status_code == 403


def test_the_own_page_offers_the_download(client_as, certificate, programme):
    content = client_as("participant").get(f"/en/programmes/{programme.slug}/me/").content
    content = content.decode()
    assert certificate.formatted_code in content
    assert reverse("certificates:mine", kwargs={"slug": programme.slug}) in content


def test_the_managers_page_lists_who_earns_one_and_why_not(client_as, programme, eligible):
    page = client_as("manager").get(
        reverse("certificates:overview", kwargs={"slug": programme.slug})
    )
    content = page.content.decode()
    assert "Issue 1 certificate" in content
    assert "ready to issue" in content
    assert "attend virtual session 1 (not yet recorded)" in content  # someone else


def test_the_issue_button_is_there_only_while_some_are_due(client_as, programme, eligible):
    client = client_as("manager")
    url = reverse("certificates:overview", kwargs={"slug": programme.slug})
    before = client.get(url).content.decode()
    assert 'id="issue-all"' in before and "Issue 1 certificate" in before
    assert 'id="none-due"' not in before

    client.post(reverse("certificates:issue_all", kwargs={"slug": programme.slug}))

    after = client.get(url).content.decode()
    assert 'id="issue-all"' not in after and "Issue 0" not in after
    assert (
        "No certificate is due now: every participant who meets the rule already has one" in after
    )
    # In Spanish too.
    spanish = client.get(url.replace("/en/", "/es/")).content.decode()
    assert "Expedir 0" not in spanish and 'id="none-due"' in spanish


def test_before_anyone_meets_the_rule_the_page_says_so(client_as, programme):
    page = client_as("manager").get(
        reverse("certificates:overview", kwargs={"slug": programme.slug})
    )
    content = page.content.decode()
    assert 'id="issue-all"' not in content
    assert "no participant meets the rule yet" in content
    assert "every participant who meets the rule already has one" not in content


def test_a_manager_issues_from_the_page_and_downloads_the_archive(client_as, programme, eligible):
    client = client_as("manager")
    response = client.post(reverse("certificates:issue_all", kwargs={"slug": programme.slug}))
    assert response.status_code == 302
    certificate = Certificate.objects.get(user=eligible)
    archive = client.get(reverse("certificates:archive", kwargs={"slug": programme.slug}))
    assert archive["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(archive.content)) as files:
        [name] = files.namelist()
        assert certificate.code in name and eligible.last_name in name
        assert files.read(name).startswith(b"%PDF")


def test_a_manager_revokes_and_reissues_from_the_page(client_as, programme, certificate):
    client = client_as("manager")
    url = reverse("certificates:reissue", kwargs={"slug": programme.slug, "pk": certificate.pk})
    client.post(url, {"reason": "Nombre corregido"})
    certificate.refresh_from_db()
    assert certificate.status == "replaced"
    url = reverse(
        "certificates:revoke", kwargs={"slug": programme.slug, "pk": certificate.replaced_by.pk}
    )
    page = client.post(url, {"reason": ""}, follow=True)
    assert "Say why the certificate is revoked." in page.content.decode()
    client.post(url, {"reason": "Error"})
    assert Certificate.objects.get(pk=certificate.replaced_by.pk).status == "revoked"


def test_issuing_by_hand_to_nobody_is_not_found(client_as, programme):
    url = reverse("certificates:issue_one", kwargs={"slug": programme.slug})
    for value in ("abc", "", "999999"):
        assert client_as("manager").post(url, {"user": value, "reason": "x"}).status_code == 404


def test_issuing_by_hand_from_the_page(client_as, programme, participant):
    url = reverse("certificates:issue_one", kwargs={"slug": programme.slug})
    client = client_as("manager")
    page = client.post(url, {"user": participant.pk, "reason": ""}, follow=True)
    assert "Say why this certificate is issued by hand." in page.content.decode()
    assert not Certificate.objects.filter(user=participant).exists()
    client.post(url, {"user": participant.pk, "reason": "Excepción aprobada por la CRM"})
    assert Certificate.objects.get(user=participant).reason == "Excepción aprobada por la CRM"

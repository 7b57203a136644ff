"""The public verification page, the holder's download, the managers' page and archive."""

import io
import zipfile

import pytest
from django.urls import reverse

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
    assert "From Oct. 26, 2021 to Oct. 29, 2021" in content
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


def test_too_many_unknown_codes_from_one_address_get_429(client, certificate, settings):
    settings.VERIFY_FAILURE_LIMIT = 3
    for _ in range(3):
        assert client.get(verify_url("AAAA-BBBB-CCCC-DDDD")).status_code == 404
    throttled = client.get(verify_url("AAAA-BBBB-CCCC-DDDE"))
    assert throttled.status_code == 429
    assert "Too many attempts" in throttled.content.decode()
    # The address waits, even for a good code; another address does not.
    assert client.get(verify_url(certificate.formatted_code)).status_code == 429
    other = client.get(verify_url(certificate.formatted_code), REMOTE_ADDR="203.0.113.9")
    assert other.status_code == 200


def test_failures_older_than_the_window_no_longer_count(client, db, settings):
    import datetime as dt

    from django.utils import timezone

    settings.VERIFY_FAILURE_LIMIT = 2
    for _ in range(2):
        client.get(verify_url("AAAA-BBBB-CCCC-DDDD"))
    assert client.get(verify_url("AAAA-BBBB-CCCC-DDDD")).status_code == 429
    FailedLookup.objects.update(at=timezone.now() - dt.timedelta(seconds=601))
    assert client.get(verify_url("AAAA-BBBB-CCCC-DDDD")).status_code == 404


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

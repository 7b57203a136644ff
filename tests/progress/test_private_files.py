"""Recordings and slides: for registered people only, uploaded files through signed links
that expire and open only for the person they were made for."""

from __future__ import annotations

import time
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings as real
from django.core.files.base import ContentFile

from capacita.agenda.models import Slides
from capacita.programmes.models import Membership

from .conftest import PROGRAMME
from .pages import by_id, links, tree

RECORDING_URL = "https://recordings.example.org/crm-2021/session-1"
VIDEO = b"\x00\x00\x00\x18ftypmp42 recording of session 1"
PDF = b"%PDF-1.4 slides of the welcome"
REGISTERED = ["participant", "observer", "facilitator", "manager", "superuser"]
NOT_REGISTERED = ["outsider", "focal_point"]


def recording_path(number: int = 1) -> str:
    return f"{PROGRAMME}/sessions/{number}/recording/"


def slides_path(slides: Slides) -> str:
    return f"{PROGRAMME}/slides/{slides.pk}/"


def expired_in(seconds: float):
    """The clock `seconds` from now, as django.core.signing reads it."""
    return mock.patch("django.core.signing.time.time", return_value=time.time() + seconds)


def body(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.fixture
def recording_link(programme):
    session = programme.sessions.get(number=1)
    session.recording_url = RECORDING_URL
    session.save()
    return session


@pytest.fixture
def recording_file(programme, private_files):
    session = programme.sessions.get(number=1)
    session.recording_file.save("session-1.mp4", ContentFile(VIDEO))
    return session


@pytest.fixture
def slides(programme, private_files, users):
    item = programme.sessions.get(number=1).items.first()
    slides = Slides(item=item, title="Welcome", uploaded_by=users["facilitator"])
    slides.file.save("welcome.pdf", ContentFile(PDF))
    return slides


def signed_link(client, path) -> str:
    response = client.get(path)
    assert response.status_code == 302
    link = response["Location"]
    assert link.startswith("/en/files/")
    return link


# Recording links -------------------------------------------------------------------------


@pytest.mark.usefixtures("recording_link")
@pytest.mark.parametrize("role", REGISTERED)
def test_a_recording_link_redirects_registered_people(client_as, role):
    response = client_as(role).get(recording_path())

    assert response.status_code == 302
    assert response["Location"] == RECORDING_URL


@pytest.mark.usefixtures("recording_link")
@pytest.mark.parametrize("role", NOT_REGISTERED)
def test_a_recording_link_is_403_for_people_not_registered(client_as, role):
    response = client_as(role).get(recording_path())

    assert response.status_code == 403
    assert RECORDING_URL.encode() not in response.content


@pytest.mark.usefixtures("recording_link")
def test_a_session_without_a_recording_has_none(client_as):
    client = client_as("participant")

    assert client.get(recording_path(2)).status_code == 404
    assert client.get(recording_path(9)).status_code == 404


@pytest.mark.usefixtures("recording_link")
def test_the_own_page_links_to_the_recording_through_the_checked_address(client_as):
    page = tree(client_as("participant").get(f"{PROGRAMME}/me/"))

    assert recording_path() in links(by_id(page, "my-session-1"))
    assert RECORDING_URL not in links(by_id(page, "my-session-1"))
    assert recording_path(2) not in links(by_id(page, "my-session-2"))


# Uploaded recordings ---------------------------------------------------------------------


def test_an_uploaded_recording_is_stored_in_the_private_storage(
    recording_file, private_files, tmp_path
):
    stored = Path(private_files.path(recording_file.recording_file.name))
    assert stored.is_relative_to(tmp_path / "private")
    assert stored.read_bytes() == VIDEO
    assert recording_file.recording_file.storage is private_files


@pytest.mark.parametrize("role", REGISTERED)
def test_an_uploaded_recording_opens_through_a_signed_link_for_its_user(
    client_as, recording_file, role
):
    client = client_as(role)

    response = client.get(signed_link(client, recording_path()))

    assert response.status_code == 200
    assert body(response) == VIDEO
    assert response["Content-Type"] == "video/mp4"
    assert response["Content-Disposition"].startswith("inline")
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


@pytest.mark.parametrize("role", NOT_REGISTERED)
def test_an_uploaded_recording_gives_no_link_to_people_not_registered(
    client_as, recording_file, role
):
    response = client_as(role).get(recording_path())

    assert response.status_code == 403


def test_a_recording_link_is_refused_to_another_user(client_as, recording_file):
    link = signed_link(client_as("participant"), recording_path())

    response = client_as("observer").get(link)

    assert response.status_code == 403
    assert VIDEO not in response.content
    assert "not valid for your account" in response.content.decode()


def test_a_recording_link_is_refused_to_an_anonymous_visitor(client_as, recording_file):
    link = signed_link(client_as("participant"), recording_path())

    response = client_as("anonymous").get(link)

    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/login/")


def test_a_recording_link_works_until_it_expires(client_as, recording_file, settings):
    client = client_as("participant")
    link = signed_link(client, recording_path())
    assert settings.PRIVATE_LINK_SECONDS == 3600

    with expired_in(3590):
        almost = client.get(link)
    with expired_in(3610):
        expired = client.get(link)

    assert almost.status_code == 200
    assert body(almost) == VIDEO
    assert expired.status_code == 403
    assert VIDEO not in expired.content
    assert "Links to recordings and slides work for a short time" in expired.content.decode()


def test_the_link_lifetime_follows_the_setting(client_as, recording_file, settings):
    settings.PRIVATE_LINK_SECONDS = 60
    client = client_as("participant")
    link = signed_link(client, recording_path())

    with expired_in(61):
        response = client.get(link)

    assert response.status_code == 403
    assert "work for a short time" in response.content.decode()


def test_a_forged_link_is_refused(client_as, recording_file):
    client = client_as("participant")
    link = signed_link(client, recording_path())
    token = link.removeprefix("/en/files/").rstrip("/")
    forged = token[:-1] + ("A" if token[-1] != "A" else "B")

    for bad in (forged, "not-a-token", token.split(":")[0]):
        response = client.get(f"/en/files/{bad}/")
        assert response.status_code == 403, bad
        assert VIDEO not in response.content
        assert "not valid for your account" in response.content.decode()


def test_a_link_stops_working_when_its_user_is_no_longer_registered(
    client_as, users, programme, recording_file
):
    client = client_as("participant")
    link = signed_link(client, recording_path())
    Membership.objects.filter(programme=programme, user=users["participant"]).delete()

    assert client.get(link).status_code == 403


def test_an_uploaded_recording_is_not_reachable_under_media_url(
    client_as, recording_file, private_files, settings
):
    name = recording_file.recording_file.name
    client = client_as("participant")

    for address in (settings.MEDIA_URL + name, f"/en/{name}", private_files.url(name)):
        response = client.get(address, follow=True)
        assert response.status_code == 404, address
        assert VIDEO not in response.content


def test_private_files_are_stored_outside_the_public_media_folder():
    private = Path(real.PRIVATE_MEDIA_ROOT).resolve()
    media = Path(real.MEDIA_ROOT).resolve()
    assert not private.is_relative_to(media)
    from capacita.shared.storage import private_storage

    assert private_storage().location == str(real.PRIVATE_MEDIA_ROOT)


def test_the_own_page_never_shows_the_recording_files_address(client_as, recording_file):
    content = client_as("participant").get(f"{PROGRAMME}/me/").content.decode()

    assert recording_path() in content
    assert recording_file.recording_file.name not in content


# Slides ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", REGISTERED)
def test_slides_open_through_a_signed_link_for_registered_people(client_as, slides, role):
    client = client_as(role)

    response = client.get(signed_link(client, slides_path(slides)))

    assert response.status_code == 200
    assert body(response) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert "no-store" in response["Cache-Control"]


def test_a_slides_link_is_refused_to_another_user_and_once_expired(client_as, slides):
    link = signed_link(client_as("facilitator"), slides_path(slides))

    other = client_as("participant").get(link)
    client = client_as("facilitator")
    with expired_in(3601):
        expired = client.get(link)

    assert other.status_code == 403
    assert PDF not in other.content
    assert expired.status_code == 403
    assert PDF not in expired.content
    assert "work for a short time" in expired.content.decode()


def test_slides_are_not_reachable_under_media_url(client_as, slides, settings):
    response = client_as("participant").get(settings.MEDIA_URL + slides.file.name, follow=True)

    assert response.status_code == 404
    assert PDF not in response.content


def test_the_own_page_lists_the_slides_through_the_checked_address(client_as, slides):
    page = tree(client_as("participant").get(f"{PROGRAMME}/me/"))

    assert slides_path(slides) in links(by_id(page, "my-session-1"))


def test_unknown_slides_are_404(client_as, slides):
    assert client_as("participant").get(f"{PROGRAMME}/slides/999999/").status_code == 404

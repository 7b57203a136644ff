"""The administration site lists sent e-mails, read only, each manager their programmes'."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission

from capacita.emails.models import OutgoingEmail
from tests.other_programme import another_programme

LIST_URL = "/en/admin/emails/outgoingemail/"


def record(to, programme, status=OutgoingEmail.Status.SENT):
    return OutgoingEmail.objects.create(
        to=to,
        subject=f"Invitación {to}",
        body_text="Hola",
        kind="invitation",
        language="es",
        programme=programme,
        status=status,
        attempts=1,
    )


@pytest.fixture
def other_programme():
    return another_programme()


@pytest.mark.django_db
def test_a_manager_sees_only_their_programmes_emails(client_as, users, programme, other_programme):
    mine = record("mine@example.org", programme)
    record("theirs@example.org", other_programme)
    record("nobodys@example.org", None)
    manager = users["manager"]
    manager.user_permissions.add(Permission.objects.get(codename="view_outgoingemail"))

    response = client_as("manager").get(LIST_URL)

    assert response.status_code == 200
    page = response.content.decode()
    assert "mine@example.org" in page
    assert "theirs@example.org" not in page
    assert "nobodys@example.org" not in page
    assert "Add outgoing e-mail" not in page
    detail = client_as("manager").get(f"{LIST_URL}{mine.pk}/change/")
    assert detail.status_code == 200
    assert 'name="_save"' not in detail.content.decode()


@pytest.mark.django_db
def test_a_superuser_sees_every_email_and_cannot_change_them(client_as, programme, other_programme):
    sent = record("mine@example.org", programme)
    record("theirs@example.org", other_programme, status=OutgoingEmail.Status.FAILED)

    client = client_as("superuser")
    page = client.get(LIST_URL).content.decode()

    assert "mine@example.org" in page
    assert "theirs@example.org" in page
    assert client.get(f"{LIST_URL}add/").status_code == 403
    assert client.post(f"{LIST_URL}{sent.pk}/delete/", {"post": "yes"}).status_code == 403
    assert OutgoingEmail.objects.filter(pk=sent.pk).exists()

"""A request to remove one's personal data reaches the programme's managers by e-mail, each in
their language, with who asks and the link to the personal data page — and not what the person
wrote, which stays on that page."""

from __future__ import annotations

import pytest

from capacita.emails.models import OutgoingEmail
from capacita.privacy.removal import request_removal
from capacita.programmes.models import Membership, Role

pytestmark = pytest.mark.django_db


def removal_emails():
    return OutgoingEmail.objects.filter(kind="privacy.removal_requested").order_by("to")


def test_every_active_manager_is_told_in_their_language(programme, users, settings):
    settings.SITE_URL = "https://capacita.example.org"
    participant = users["participant"]
    second = Membership.objects.create(
        programme=programme, user=users["outsider"], role=Role.MANAGER
    ).user
    second.language = "en"
    second.save(update_fields=["language"])
    users["manager"].language = "es"
    users["manager"].save(update_fields=["language"])

    request_removal(participant, programme, "Mi teléfono es 555-0100; borren todo.")

    emails = {email.to: email for email in removal_emails()}
    assert set(emails) == {users["manager"].email, second.email}
    link = f"https://capacita.example.org/es/programmes/{programme.slug}/personal-data/"
    spanish, english = emails[users["manager"].email], emails[second.email]
    assert (spanish.language, english.language) == ("es", "en")
    assert participant.get_full_name() in spanish.subject and "solicita" in spanish.subject
    assert f"{participant.get_full_name()} ({participant.email}) asks for" in english.body_text
    assert "pide que se eliminen sus datos personales" in spanish.body_text
    for email in (spanish, english):
        assert link.replace("/es/", f"/{email.language}/") in email.body_text
        assert "555-0100" not in email.body_text
        assert email.programme == programme and email.user.email == email.to


def test_inactive_managers_and_other_programmes_managers_are_not_told(programme, users):
    users["manager"].is_active = False
    users["manager"].save(update_fields=["is_active"])
    request_removal(users["participant"], programme)
    assert list(removal_emails()) == []


def test_the_page_s_form_tells_the_managers(client_as, programme, users):
    response = client_as("participant").post(
        f"/en/programmes/{programme.slug}/me/removal/", {"message": "Please."}
    )
    assert response.status_code == 302
    assert [email.to for email in removal_emails()] == [users["manager"].email]

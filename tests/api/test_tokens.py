"""Personal access tokens: made and revoked by their owner on their own page, shown once,
kept only as a digest, refused once expired or revoked, recorded in the audit."""

import datetime as dt
import hashlib

import pytest
from django.test import Client
from django.utils import timezone

from capacita.access_tokens.models import AccessToken
from capacita.access_tokens.services import (
    TOKEN_PREFIX,
    TokenError,
    create_token,
    revoke_token,
)
from capacita.audit.models import AuditEvent
from capacita.privacy.anonymisation import anonymise_person
from capacita.reports.audit_log.details import LABELS

TOKENS = "/en/accounts/tokens/"
PROGRESS = "/api/v1/programmes/crm-2021/progress"


def test_a_token_is_shown_once_and_kept_only_as_its_digest(client_as):
    client = client_as("manager")
    page = client.post(TOKENS, {"name": "Dashboard", "days": "30"}).content.decode()
    record = AccessToken.objects.get(name="Dashboard")
    token = page.split('id="token-value">', 1)[1].split("<", 1)[0]
    assert token.startswith(TOKEN_PREFIX) and len(token) > 40
    assert record.digest == hashlib.sha256(token.encode()).hexdigest()
    assert not AccessToken.objects.filter(digest=token).exists()
    assert token not in str(list(AccessToken.objects.values()))
    assert token not in str(list(AuditEvent.objects.values()))
    assert abs(record.expires_at - timezone.now() - dt.timedelta(days=30)) < dt.timedelta(minutes=1)
    again = client.get(TOKENS).content.decode()
    assert "Dashboard" in again and token not in again


def test_a_token_acts_for_its_owner_and_notes_its_use(client, users):
    record, token = create_token(users["manager"], "Board")
    response = client.get(PROGRESS, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    record.refresh_from_db()
    assert record.last_used_at is not None


@pytest.mark.parametrize("how", ["revoked", "expired", "wrong"])
def test_a_revoked_expired_or_unknown_token_is_refused(client, users, how):
    record, token = create_token(users["manager"], "Board")
    if how == "revoked":
        revoke_token(record, actor=users["manager"])
    elif how == "expired":
        AccessToken.objects.filter(pk=record.pk).update(expires_at=timezone.now())
    else:
        token = token[:-2] + "xx"
    for url in (PROGRESS, "/api/v1/programmes"):
        response = client.get(url, headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401, url
        assert response["WWW-Authenticate"] == "Bearer"


def test_a_signed_in_browser_is_not_a_token(client_as):
    assert client_as("manager").get(PROGRESS).status_code == 401


def test_making_and_revoking_are_recorded(client_as, users):
    client = client_as("participant")
    client.post(TOKENS, {"name": "Mine", "days": "90"})
    record = AccessToken.objects.get(name="Mine")
    response = client.post(f"{TOKENS}{record.pk}/revoke/")
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.revoked_at is not None
    events = AuditEvent.objects.filter(
        subject_id=str(record.pk), subject_type="access_tokens.accesstoken"
    )
    assert set(events.values_list("action", flat=True)) == {
        AuditEvent.Action.ACCESS_TOKEN_CREATED,
        AuditEvent.Action.ACCESS_TOKEN_REVOKED,
    }
    assert all(event.person_id == users["participant"].pk for event in events)
    for event in events:
        assert set(event.details) <= set(LABELS)


def test_only_the_owner_revokes(client_as, users):
    record, _token = create_token(users["participant"], "Mine")
    assert client_as("manager").post(f"{TOKENS}{record.pk}/revoke/").status_code == 404
    with pytest.raises(TokenError):
        revoke_token(record, actor=users["manager"])
    record.refresh_from_db()
    assert record.revoked_at is None


@pytest.mark.parametrize(
    "data", [{"name": "x" * 101, "days": "90"}, {"name": "Ok", "days": "366"}, {"name": ""}]
)
def test_a_name_and_an_expiry_are_limited(client_as, data):
    response = client_as("participant").post(TOKENS, data)
    assert response.status_code == 400
    assert not AccessToken.objects.exists()


def test_the_service_refuses_what_the_form_would(users):
    with pytest.raises(TokenError):
        create_token(users["participant"], "x" * 101)
    with pytest.raises(TokenError):
        create_token(users["participant"], "Ok", days=400)


def test_a_token_of_an_inactive_account_is_refused(client, users):
    _record, token = create_token(users["focal_point"], "Lists")
    users["focal_point"].is_active = False
    users["focal_point"].save(update_fields=["is_active"])
    response = client.get(PROGRESS, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


def test_the_api_is_throttled_per_token(client, users, settings):
    settings.API_TOKEN_RATE = "3/m"
    _record, token = create_token(users["manager"], "Board")
    headers = {"Authorization": f"Bearer {token}"}
    answers = [client.get("/api/v1/programmes", headers=headers).status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    _other, second = create_token(users["manager"], "Other")
    assert (
        client.get("/api/v1/programmes", headers={"Authorization": f"Bearer {second}"}).status_code
        == 200
    )


def test_the_api_is_throttled_per_address_without_a_token(client, programme, settings):
    settings.API_ANONYMOUS_RATE = "2/m"
    answers = [client.get("/api/v1/programmes").status_code for _ in range(3)]
    assert answers == [200, 200, 429]


def test_the_pages_link_to_ones_tokens(client_as):
    page = client_as("participant").get("/en/programmes/").content.decode()
    assert 'href="/en/accounts/tokens/"' in page


def test_no_cache_keeps_what_a_token_reads(client, programme, users):
    _record, token = create_token(users["manager"], "Board")
    response = client.get(PROGRESS, headers={"Authorization": f"Bearer {token}"})
    assert {"private", "no-store"} <= {
        part.strip() for part in response["Cache-Control"].split(",")
    }


def test_anonymising_a_person_removes_their_tokens(client, programme, users):
    record, token = create_token(users["focal_point"], "Lists")
    anonymise_person(users["focal_point"], users["manager"], "Asked for it")
    assert not AccessToken.objects.filter(pk=record.pk).exists()
    response = client.get(PROGRESS, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


def test_a_token_needs_no_csrf_token_a_session_would(programme, users):
    client = Client(enforce_csrf_checks=True)
    _record, token = create_token(users["focal_point"], "Lists")
    response = client.post(
        "/api/v1/programmes/crm-2021/countries/mx/nominations",
        {"rows": []},
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200
    # A signed-in browser's session, without its token, does nothing here.
    client.force_login(users["focal_point"])
    refused = client.post(
        "/api/v1/programmes/crm-2021/countries/mx/nominations",
        {"rows": []},
        content_type="application/json",
    )
    assert refused.status_code == 401

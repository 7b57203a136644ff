"""The login, reset and verification pages never tell whether an account exists: an existing
account and an unknown one get the same answer (status and message). Timing is not covered."""

from __future__ import annotations

import re
from urllib.parse import quote

from django.contrib.auth import get_user_model

from capacita.development.demo import DEMO_PASSWORD
from capacita.emails.models import OutgoingEmail

User = get_user_model()
EXISTING = "participant.mx@example.org"
UNKNOWN = "nobody.at.all@example.org"


def same_page(response, typed: str) -> tuple[int, str, str]:
    """Status, where it leads, and the body without what differs by nature: the address
    typed (echoed in the form or in a link) and the CSRF token (new on every page)."""
    body = response.content.decode().replace(typed, "TYPED").replace(quote(typed), "TYPED")
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "CSRF", body)
    return response.status_code, response.get("Location", ""), body


def test_the_login_says_the_same_for_a_wrong_password_and_an_unknown_account(client, demo):
    inactive = User.objects.create_user(
        "inactive@example.org", DEMO_PASSWORD, first_name="In", last_name="Active", is_active=False
    )
    answers = [
        same_page(
            client.post("/es/accounts/login/", {"username": typed, "password": password}), typed
        )
        for typed, password in [
            (EXISTING, "wrong"),
            (UNKNOWN, "wrong"),
            # An inactive account, even with its right password.
            (inactive.email, DEMO_PASSWORD),
        ]
    ]
    assert answers[0][0] == 200
    assert 'role="alert"' in answers[0][2]
    assert answers[0] == answers[1] == answers[2]


def test_the_lockout_says_the_same_for_an_existing_and_an_unknown_account(client, demo):
    pages = []
    for typed in (EXISTING, UNKNOWN):
        # Five failures lock the account for the address they came from.
        address = "192.0.2.1" if typed == EXISTING else "198.51.100.1"
        for _number in range(5):
            response = client.post(
                "/es/accounts/login/",
                {"username": typed, "password": "wrong"},
                REMOTE_ADDR=address,
            )
        pages.append(same_page(response, typed))
        # And again, once locked: the right password changes nothing.
        again = client.post(
            "/es/accounts/login/",
            {"username": typed, "password": DEMO_PASSWORD},
            REMOTE_ADDR=address,
        )
        pages.append(same_page(again, typed))
    assert pages[0][0] == 429
    assert len(set(pages)) == 1


def test_the_reset_says_the_same_for_an_existing_an_inactive_and_an_unknown_account(client, demo):
    User.objects.create_user(
        "inactive@example.org", "x", first_name="In", last_name="Active", is_active=False
    )
    answers = []
    for number, typed in enumerate([EXISTING, "inactive@example.org", UNKNOWN]):
        response = client.post(
            "/es/accounts/password-reset/", {"email": typed}, REMOTE_ADDR=f"192.0.2.{number + 1}"
        )
        answers.append(same_page(response, typed))
        answers.append(same_page(client.get(response["Location"]), typed))
    assert answers[0][:2] == (302, "/es/accounts/password-reset/sent/")
    assert answers[0::2] == [answers[0]] * 3
    assert answers[1::2] == [answers[1]] * 3
    # Only the existing, active account got an e-mail.
    assert list(
        OutgoingEmail.objects.filter(kind="password_reset").values_list("to", flat=True)
    ) == [EXISTING]


def test_the_verification_page_shows_no_personal_data_and_finds_nobody_by_address(client, demo):
    from tests.test_access_matrix import demo_certificate

    certificate = demo_certificate(demo)
    holder = certificate.user
    page = client.get(f"/es/verify/{certificate.formatted_code}/").content.decode()
    assert holder.get_full_name() in page
    assert holder.email not in page
    if holder.country_id:
        assert holder.country.name not in page
    # A person's address or name looked up as a code: "no such certificate", as any code.
    answers = [
        same_page(client.get(f"/es/verify/{typed}/"), typed)
        for typed in (holder.email, "ZZZZ-ZZZZ-ZZZZ-ZZZZ", UNKNOWN)
    ]
    assert answers[0][0] == 404
    assert answers[0] == answers[1] == answers[2]

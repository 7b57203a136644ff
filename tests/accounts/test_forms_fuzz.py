"""The login and password forms posted arbitrary input (NULs, control characters, very long
text, what looks like markup): never a server error, and nothing changes but what the form
is for — a failure counted, an e-mail queued, a password set."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from capacita.accounts.invitations import welcome_url
from capacita.accounts.password_reset import reset_url
from capacita.emails.models import OutgoingEmail

pytestmark = [pytest.mark.django_db, pytest.mark.fuzz]

FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

text = st.one_of(
    st.text(max_size=300),
    st.sampled_from(["participant.mx@example.org", " PARTICIPANT.MX@example.org\x00"]),
    st.sampled_from(["", "\x00", "a\x00b@example.org", "<script>alert(1)</script>", "=1+1"]),
    st.text(min_size=1, max_size=3).map(lambda value: value * 2000),
)


def fresh_address(settings, example):
    # Each example from its own address, so the throttles of earlier examples do not decide.
    settings.TRUSTED_PROXY_COUNT = 1
    return {"HTTP_X_FORWARDED_FOR": f"198.51.100.{example % 250 + 1}"}


@FUZZ
@given(username=text, password=text, example=st.integers(0, 10**6))
def test_the_login_form_answers_any_input(client, users, settings, username, password, example):
    User = get_user_model()
    passwords = dict(User.objects.values_list("pk", "password"))
    response = client.post(
        "/en/accounts/login/",
        {"username": username, "password": password},
        **fresh_address(settings, example),
    )
    assert response.status_code in (200, 429)
    assert "_auth_user_id" not in client.session
    assert dict(User.objects.values_list("pk", "password")) == passwords


@FUZZ
@given(email=text, example=st.integers(0, 10**6))
def test_the_reset_form_answers_any_input(client, users, settings, email, example):
    cache.clear()
    queued = OutgoingEmail.objects.count()
    response = client.post(
        "/en/accounts/password-reset/", {"email": email}, **fresh_address(settings, example)
    )
    assert response.status_code in (200, 302, 429)
    known = (
        "\x00" not in email  # PostgreSQL cannot even be asked about such an address
        and get_user_model().objects.filter(email__iexact=email.strip(), is_active=True).exists()
    )
    # One e-mail at most, and only to an account that exists (how many an account receives in
    # a while is tested with the throttle).
    assert OutgoingEmail.objects.count() - queued in ((0, 1) if known else (0,))


@FUZZ
@given(first=text, second=text, which=st.sampled_from(["welcome", "reset"]))
def test_the_new_password_forms_answer_any_input(client, users, first, second, which):
    user = users["participant"]
    user.refresh_from_db()
    before = user.password
    link = welcome_url(user) if which == "welcome" else reset_url(user)
    path = link.split("://", 1)[1].split("/", 1)[1]
    page = client.get(f"/{path}", follow=True)  # the link puts its token in the session
    assert page.status_code == 200
    response = client.post(
        page.redirect_chain[-1][0] if page.redirect_chain else f"/{path}",
        {"new_password1": first, "new_password2": second},
    )
    assert response.status_code in (200, 302)
    user.refresh_from_db()
    if response.status_code == 302:
        assert first == second and user.check_password(first)
    else:
        assert user.password == before

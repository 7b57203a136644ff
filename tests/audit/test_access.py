import pytest
from django.urls import reverse

ADDRESSES = [
    ("audit:events", ()),
    ("audit:export", ("csv",)),
    ("audit:export", ("xlsx",)),
]


@pytest.mark.parametrize(("name", "extra"), ADDRESSES)
@pytest.mark.parametrize("role", ["focal_point", "participant", "facilitator", "outsider"])
def test_only_managers_read_the_record(programme, client_as, role, name, extra):
    address = reverse(name, args=[programme.slug, *extra])
    assert client_as(role).get(address).status_code == 403
    assert client_as("manager").get(address).status_code == 200


@pytest.mark.parametrize(("name", "extra"), ADDRESSES)
def test_anonymous_visitors_are_sent_to_log_in(programme, client_as, name, extra):
    address = reverse(name, args=[programme.slug, *extra])
    response = client_as("anonymous").get(address)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_an_unknown_programme_is_not_found(programme, client_as):
    address = reverse("audit:events", args=["no-such-programme"])
    assert client_as("manager").get(address).status_code == 404

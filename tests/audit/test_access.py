"""Who reads the record is decided by the access matrix (tests/test_access_matrix.py, rows
audit:events and audit:export); here, what it answers for an address it does not know."""

from django.urls import reverse


def test_an_unknown_programme_is_not_found(programme, client_as):
    address = reverse("audit:events", args=["no-such-programme"])
    assert client_as("manager").get(address).status_code == 404

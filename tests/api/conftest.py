import pytest

from capacita.access_tokens.services import create_token


@pytest.fixture
def bearer(users):
    """`bearer("focal_point")`: the Authorization header of a new token of that role's demo
    account ({} for "anonymous")."""

    def header(role: str) -> dict:
        if role == "anonymous":
            return {}
        _record, token = create_token(users[role], f"Token of {role}")
        return {"Authorization": f"Bearer {token}"}

    return header

"""Who calls the API: a personal access token's owner (`Authorization: Bearer …`), or nobody
for the public endpoints. A token given but unknown, expired or revoked is refused (401),
whatever the endpoint. The session of a signed-in browser is not used here."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer
from ninja.throttling import SimpleRateThrottle

from capacita.access_tokens.services import owner_of
from capacita.shared.throttles import client_address


class TokenAuth(HttpBearer):
    """The owner of the bearer token: the API acts with their permissions and no more."""

    def authenticate(self, request, token):
        owner = owner_of(token)
        if owner is None:
            raise AuthenticationError
        return owner


class Anonymous:
    """The public endpoints answer without a token: the caller is nobody in particular."""

    def __call__(self, request):
        if request.headers.get("Authorization"):
            # A token the bearer scheme did not take (another scheme) is refused, not ignored.
            raise AuthenticationError
        return AnonymousUser()


TOKEN = TokenAuth()
PUBLIC = [TOKEN, Anonymous()]


class CallerThrottle(SimpleRateThrottle):
    """At most `API_TOKEN_RATE` requests per token, and `API_ANONYMOUS_RATE` per address
    without one (address read as the pages' throttles read it: `TRUSTED_PROXY_COUNT`)."""

    def __init__(self):
        super().__init__(rate="1/s")

    def allow_request(self, request):
        owner = getattr(request, "auth", None)
        named = owner is not None and getattr(owner, "is_authenticated", False)
        rate = settings.API_TOKEN_RATE if named else settings.API_ANONYMOUS_RATE
        self.num_requests, self.duration = self.parse_rate(rate)
        return super().allow_request(request)

    def get_cache_key(self, request):
        owner = getattr(request, "auth", None)
        if owner is not None and getattr(owner, "is_authenticated", False):
            ident = f"token-{owner.access_token_id}"
        else:
            ident = f"address-{client_address(request)}"
        return self.cache_format % {"scope": "api", "ident": ident}

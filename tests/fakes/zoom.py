"""A small Zoom server for the tests, on loopback: a Server-to-Server OAuth app's token and
the participants report, as Zoom's API reference describes them.

- `POST /oauth/token?grant_type=account_credentials&account_id=…` with HTTP Basic
  `client_id:client_secret`: a bearer token that expires after `token_lifetime` seconds of
  `clock`; `{"reason", "error"}` with HTTP 400 or 401 when refused.
- `GET /v2/report/meetings/{meetingId}/participants?page_size=…&next_page_token=…` with
  `Authorization: Bearer …`: pages of at most `page_size` (300 at most) rows, the next page's
  token in `next_page_token` (empty on the last); errors as `{"code", "message"}`: 124 (an
  expired or unknown token, HTTP 401), 4711 (a missing scope), 3001 (no such meeting, 404),
  300 (an invalid page size or page token).
- The path is decoded once, as Zoom's gateway does, before it is routed, and the meeting's
  segment once more: a UUID beginning with `/` or holding `//` reaches its meeting only when
  double-encoded.
- `limited`: that many 429 answers (with `Retry-After`, or `X-RateLimit-Reset` when
  `retry_after` is None) before answering again.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
import secrets
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler

from tests.fakes.serving import serve_on_loopback

SCOPE = "report:read:list_meeting_participants:admin"
REPORT = re.compile(r"^/v2/report/meetings/([^/]+)/participants$")
MAX_PAGE_SIZE = 300


def participant(
    name: str,
    email: str,
    joined: dt.datetime,
    left: dt.datetime,
    status: str = "in_meeting",
) -> dict:
    """One row of the report as Zoom gives it (times in UTC, duration in seconds)."""
    return {
        "id": secrets.token_hex(8),
        "user_id": str(secrets.randbelow(10**8)),
        "name": name,
        "user_email": email,
        "join_time": joined.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "leave_time": left.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "duration": int((left - joined).total_seconds()),
        "attentiveness_score": "",
        "failover": False,
        "status": status,
        "customer_key": "",
    }


@dataclass
class FakeZoom:
    account_id: str = "account-test"
    client_id: str = "client-test"
    client_secret: str = "secret-test"
    token_lifetime: int = 3600
    clock: Callable[[], float] = time.monotonic
    scopes: set[str] = field(default_factory=lambda: {SCOPE})
    # meeting id or UUID -> rows
    meetings: dict[str, list[dict]] = field(default_factory=dict)
    # meeting id or UUID -> (HTTP status, code, message) answered instead of its rows
    errors: dict[str, tuple[int, int, str]] = field(default_factory=dict)
    limited: int = 0
    retry_after: int | None = 2
    # The API's answers replaced by a page of HTML (a proxy's, a wrong address's).
    html: bool = False
    tokens: dict[str, float] = field(default_factory=dict)  # token -> when it expires
    issued: int = 0
    calls: list[tuple[str, str]] = field(default_factory=list)  # (method, raw path)
    _pages: dict[str, tuple[str, int]] = field(default_factory=dict)

    def revoke(self) -> None:
        """Every token issued so far refused from now on (as after a secret's rotation)."""
        self.tokens.clear()

    def _limited(self):
        if self.limited <= 0:
            return None
        self.limited -= 1
        if self.retry_after is not None:
            headers = {"Retry-After": str(self.retry_after)}
        else:
            headers = {"X-RateLimit-Reset": str(int(time.time()) + 1)}
        message = "You have reached the maximum per-second rate limit for this API."
        return 429, {"code": 429, "message": message}, headers

    def token(self, query: dict, authorization: str):
        limited = self._limited()
        if limited:
            return limited
        expected = base64.b64encode(f"{self.client_id}:{self.client_secret}".encode()).decode()
        if authorization != f"Basic {expected}":
            return 400, {"reason": "Invalid client_id or client_secret", "error": "invalid_client"}
        if query.get("grant_type") != "account_credentials":
            return 400, {"reason": "unsupported grant type", "error": "unsupported_grant_type"}
        if query.get("account_id") != self.account_id:
            return 400, {"reason": "Invalid account_id", "error": "invalid_request"}
        token = secrets.token_urlsafe(24)
        self.tokens[token] = self.clock() + self.token_lifetime
        self.issued += 1
        return 200, {
            "access_token": token,
            "token_type": "bearer",
            "expires_in": self.token_lifetime,
            "scope": " ".join(sorted(self.scopes)),
            "api_url": "https://api.zoom.us",
        }

    def report(self, path: str, query: dict, authorization: str):
        token = authorization.removeprefix("Bearer ") if authorization.startswith("Bearer ") else ""
        expires = self.tokens.get(token)
        if expires is None or self.clock() >= expires:
            return 401, {"code": 124, "message": "Invalid access token."}
        limited = self._limited()
        if limited:
            return limited
        routed = REPORT.match(urllib.parse.unquote(path))
        if routed is None:
            return 404, {"code": 3001, "message": "Meeting does not exist."}
        if SCOPE not in self.scopes:
            return 400, {
                "code": 4711,
                "message": f"Invalid access token, does not contain scopes:[{SCOPE}].",
            }
        meeting = urllib.parse.unquote(routed.group(1))
        if meeting in self.errors:
            status, code, message = self.errors[meeting]
            return status, {"code": code, "message": message}
        if meeting not in self.meetings:
            return 404, {"code": 3001, "message": f"Meeting does not exist: {meeting}."}
        try:
            size = int(query.get("page_size", "30"))
        except ValueError:
            size = 0
        if not 1 <= size <= MAX_PAGE_SIZE:
            return 400, {"code": 300, "message": "Invalid page_size."}
        start = 0
        if query.get("next_page_token"):
            found = self._pages.pop(query["next_page_token"], None)
            if found is None or found[0] != meeting:
                return 400, {"code": 300, "message": "Invalid next_page_token."}
            start = found[1]
        rows = self.meetings[meeting]
        page = rows[start : start + size]
        next_token = ""
        if start + size < len(rows):
            next_token = secrets.token_urlsafe(16)
            self._pages[next_token] = (meeting, start + size)
        return 200, {
            "page_count": -(-len(rows) // size),
            "page_size": size,
            "total_records": len(rows),
            "next_page_token": next_token,
            "participants": page,
        }


def serve(zoom: FakeZoom):
    """Serve `zoom` on a free loopback port; returns (base URL, stop()). Zoom's two
    addresses are `<base>` (OAuth) and `<base>/v2` (the API)."""

    class Handler(BaseHTTPRequestHandler):
        def _answer(self, method: str):
            path, _sep, raw_query = self.path.partition("?")
            zoom.calls.append((method, self.path))
            query = dict(urllib.parse.parse_qsl(raw_query))
            authorization = self.headers.get("Authorization", "")
            if method == "POST" and path == "/oauth/token":
                answer = zoom.token(query, authorization)
            elif method == "GET" and path.startswith("/v2/") and zoom.html:
                content = b"<!doctype html><title>Sign in</title>"
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)
                return
            elif method == "GET" and path.startswith("/v2/"):
                answer = zoom.report(path, query, authorization)
            else:
                answer = 404, {"code": 404, "message": "Not found."}
            status, body, headers = (*answer, {})[:3]
            content = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json;charset=UTF-8")
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)

        def do_GET(self):  # noqa: N802 - the http.server's name
            self._answer("GET")

        def do_POST(self):  # noqa: N802 - the http.server's name
            length = int(self.headers.get("Content-Length", "0"))
            self.rfile.read(length)
            self._answer("POST")

        def log_message(self, *args):
            pass

    return serve_on_loopback(Handler)

"""A client of Zoom's REST API (v2) for a Server-to-Server OAuth app, as Zoom documents it.

- The access token: `POST <oauth>/oauth/token?grant_type=account_credentials&account_id=…`
  with HTTP Basic `client_id:client_secret`; kept in memory only (never logged, never
  stored) until shortly before its `expires_in`, then asked for again; asked for again once
  when the API answers 401 (code 124, an expired or invalid token).
- `GET <api>/report/meetings/{meetingId}/participants`, `page_size=300`, following
  `next_page_token` until it is empty.
- Meeting ids: a numeric id as it is (spaces removed); a UUID that begins with `/` or
  contains `//` encoded twice, as Zoom requires; any other UUID encoded once.
- HTTP 429: waited as the answer's headers say (`Retry-After` seconds, else
  `X-RateLimit-Reset`), within bounds, then asked again.
- Errors (`{"code": …, "message": …}`) raised as `ZoomError`, whose `message` says in the
  reader's language what went wrong and what to fix; `code` is Zoom's code or ours.
"""

from __future__ import annotations

import datetime as dt
import time
import urllib.parse
from collections.abc import Callable

import requests
from django.utils.translation import gettext as _

from .errors import UserError

TIMEOUT = 30  # seconds a call may take
PAGE_SIZE = 300  # the most Zoom gives per page of a report
EARLY = 60  # seconds before a token's expiry when it is renewed
MAX_WAIT = 60  # seconds waited at most for one 429
MAX_WAITS = 5  # 429s waited for in a row before giving up
SCOPE = "report:read:list_meeting_participants:admin"
CLASSIC_SCOPE = "report:read:admin"

# Zoom's codes this client tells apart.
INVALID_TOKEN = 124
MEETING_NOT_FOUND = 3001
NO_SCOPE = (4700, 4711)
NOT_READY = 12702


class ZoomError(UserError):
    """A call that failed: `message` in plain words, `code` Zoom's code (or ours)."""

    def __init__(self, message: str, code: str = "", problems: list[str] | None = None):
        super().__init__(message, problems)
        self.code = code


def meeting_path(meeting: str) -> str:
    """`meeting` (an id or a UUID) as a segment of the report's path, as Zoom requires."""
    meeting = meeting.strip()
    compact = "".join(meeting.split())
    if compact.isdigit():
        return compact
    once = urllib.parse.quote(meeting, safe="")
    if meeting.startswith("/") or "//" in meeting:
        return urllib.parse.quote(once, safe="")
    return once


def not_ready(meeting: str) -> ZoomError:
    return ZoomError(
        _(
            "Zoom's report of meeting %(meeting)s is not ready yet: try again in a few "
            "minutes; Zoom prepares it after the meeting ends."
        )
        % {"meeting": meeting},
        "notready",
    )


def not_configured() -> ZoomError:
    return ZoomError(
        _(
            "The meeting tool is not configured: set ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID and "
            "ZOOM_CLIENT_SECRET."
        ),
        "notconfigured",
    )


def _unreachable(error: Exception) -> ZoomError:
    return ZoomError(
        _(
            "Zoom could not be reached (%(error)s): check the server's connection, "
            "ZOOM_OAUTH_URL and ZOOM_API_URL."
        )
        % {"error": type(error).__name__},
        "unreachable",
    )


def _not_json() -> ZoomError:
    return ZoomError(
        _("Zoom's answer was not JSON: check ZOOM_OAUTH_URL and ZOOM_API_URL."), "notjson"
    )


def _body(response) -> dict:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _code(body: dict) -> int | None:
    try:
        return int(body.get("code"))
    except (TypeError, ValueError):
        return None


class ZoomClient:
    """`sleep` and `clock` (seconds, monotonic) can be replaced, so that tests wait for
    nothing and tokens expire when they say."""

    def __init__(
        self,
        account_id: str,
        client_id: str,
        client_secret: str,
        *,
        oauth_url: str = "https://zoom.us",
        api_url: str = "https://api.zoom.us/v2",
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.account_id = account_id
        self._credentials = (client_id, client_secret)
        self.token_endpoint = oauth_url.rstrip("/") + "/oauth/token"
        self.api_url = api_url.rstrip("/")
        self.session = session or requests.Session()
        self.sleep = sleep
        self.clock = clock
        self._token: str | None = None
        self._expires_at = 0.0

    # --- the access token ---------------------------------------------------------------

    def _access_token(self) -> str:
        if self._token is None or self.clock() >= self._expires_at:
            self._renew()
        return self._token

    def _renew(self) -> None:
        self._token = None
        params = {"grant_type": "account_credentials", "account_id": self.account_id}
        response = self._send(
            lambda: self.session.post(
                self.token_endpoint, params=params, auth=self._credentials, timeout=TIMEOUT
            )
        )
        body = _body(response)
        if response.status_code != 200:
            raise self._token_refused(response.status_code, body)
        token, expires_in = body.get("access_token"), body.get("expires_in")
        if not token:
            if not body:
                raise _not_json()
            raise self._token_refused(response.status_code, body)
        try:
            lifetime = float(expires_in)
        except (TypeError, ValueError):
            lifetime = 0.0
        self._token = str(token)
        self._expires_at = self.clock() + lifetime - min(EARLY, lifetime / 2)

    def _token_refused(self, status: int, body: dict) -> ZoomError:
        error = str(body.get("error", ""))
        reason = str(body.get("reason", ""))
        if error == "invalid_client" or status == 401:
            return ZoomError(
                _(
                    "Zoom refused the app's credentials: check ZOOM_CLIENT_ID and "
                    "ZOOM_CLIENT_SECRET (those of a Server-to-Server OAuth app, activated)."
                ),
                "invalid_client",
            )
        if "account" in reason.lower():
            return ZoomError(
                _("Zoom refused the account: check ZOOM_ACCOUNT_ID (the app's Account ID)."),
                error or "invalid_request",
            )
        if not body:
            return ZoomError(
                _("Zoom's sign-in answered HTTP %(status)s: check ZOOM_OAUTH_URL.")
                % {"status": status},
                "http",
            )
        return ZoomError(
            _("Zoom refused an access token (%(error)s): %(reason)s")
            % {"error": error or status, "reason": reason[:300]},
            error or "http",
        )

    # --- calls ---------------------------------------------------------------------------

    def _send(self, call) -> requests.Response:
        """`call()`'s answer, a 429 waited for as its headers say (a few times at most)."""
        for _attempt in range(MAX_WAITS + 1):
            try:
                response = call()
            except requests.RequestException as error:
                raise _unreachable(error) from error
            if response.status_code != 429:
                return response
            wait = self._wait(response)
            if wait is None:
                break
            self.sleep(wait)
        raise ZoomError(
            _("Zoom is limiting this account's calls for now (its rate limit): try again later."),
            "ratelimited",
        )

    def _wait(self, response) -> float | None:
        """Seconds to wait before asking again, from the 429's headers; None when it is more
        than MAX_WAIT."""
        wait = 1.0
        retry_after = response.headers.get("Retry-After", "").strip()
        reset = response.headers.get("X-RateLimit-Reset", "").strip()
        if retry_after:
            try:
                wait = float(retry_after)
            except ValueError:
                wait = 1.0
        elif reset:
            wait = _seconds_until(reset)
        wait = max(0.0, wait)
        return wait if wait <= MAX_WAIT else None

    def get(self, path: str, params: dict | None = None, *, meeting: str = "") -> dict:
        """`GET <api><path>` with the access token: the JSON body, or a ZoomError (about
        `meeting`, when the path names one)."""
        url = self.api_url + path
        renewed = False
        while True:
            token = self._access_token()
            response = self._send(
                lambda token=token: self.session.get(
                    url,
                    params=params,
                    headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
                    timeout=TIMEOUT,
                )
            )
            if response.status_code == 401 and not renewed:
                # Expired or revoked before its time: one new token, one more try.
                self._token, renewed = None, True
                continue
            break
        if response.status_code != 200:
            raise self._refused(response.status_code, _body(response), meeting)
        try:
            body = response.json()
        except ValueError as error:
            raise _not_json() from error
        if not isinstance(body, dict):
            raise _not_json()
        return body

    def _refused(self, status: int, body: dict, meeting: str) -> ZoomError:
        code = _code(body)
        message = str(body.get("message", ""))
        if code == NOT_READY or "not ready" in message.lower():
            return not_ready(meeting)
        if code in NO_SCOPE or status == 403:
            return ZoomError(
                _(
                    "The Zoom app may not read meeting reports: add the scope %(scope)s "
                    "(%(classic)s for an app with the classic scopes) to the Server-to-Server "
                    "OAuth app, and check that the account's plan has reports."
                )
                % {"scope": SCOPE, "classic": CLASSIC_SCOPE},
                str(code or status),
            )
        if status == 401:
            return ZoomError(
                _(
                    "Zoom refused a new access token: check that the Server-to-Server OAuth "
                    "app is activated and ZOOM_ACCOUNT_ID is its account."
                ),
                str(code or INVALID_TOKEN),
            )
        if code == MEETING_NOT_FOUND or status == 404:
            return ZoomError(
                _(
                    "Zoom has no meeting %(meeting)s: check the session's Zoom meeting (its "
                    "id, or the UUID of one occurrence)."
                )
                % {"meeting": meeting},
                str(MEETING_NOT_FOUND),
            )
        if not body:
            return ZoomError(
                _("Zoom answered HTTP %(status)s: check ZOOM_API_URL.") % {"status": status},
                "http",
            )
        return ZoomError(
            _("Zoom answered an error (HTTP %(status)s, code %(code)s): %(message)s")
            % {
                "status": status,
                "code": code if code is not None else "?",
                "message": message[:300],
            },
            str(code or status),
        )

    # --- the reports ---------------------------------------------------------------------

    def meeting_participants(self, meeting: str, progress=None) -> list[dict]:
        """Every row of the participants report of `meeting` (an id: its latest occurrence;
        a UUID: that occurrence), page after page. `progress(rows so far, total)`."""
        path = f"/report/meetings/{meeting_path(meeting)}/participants"
        rows: list[dict] = []
        next_page = ""
        while True:
            params = {"page_size": PAGE_SIZE}
            if next_page:
                params["next_page_token"] = next_page
            body = self.get(path, params, meeting=meeting.strip())
            rows.extend(row for row in body.get("participants") or [] if isinstance(row, dict))
            if progress:
                total = body.get("total_records")
                progress(len(rows), total if isinstance(total, int) else None)
            next_page = str(body.get("next_page_token") or "")
            if not next_page:
                return rows


def _seconds_until(reset: str) -> float:
    """Seconds from now until `reset`: seconds since 1970, or a UTC time as ISO 8601."""
    try:
        moment = float(reset)
    except ValueError:
        try:
            when = dt.datetime.fromisoformat(reset.replace("Z", "+00:00"))
        except ValueError:
            return 1.0
        if when.tzinfo is None:
            when = when.replace(tzinfo=dt.UTC)
        moment = when.timestamp()
    return moment - time.time()

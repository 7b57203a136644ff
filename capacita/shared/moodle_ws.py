"""A client of Moodle's web services (REST protocol), as Moodle serves them.

`POST <site>/webservice/rest/server.php` with `wstoken`, `wsfunction` and
`moodlewsrestformat=json`; the function's parameters form-encoded, lists and structures as
`users[0][email]`. Moodle answers an error with HTTP 200 and a JSON body holding
`exception`, `errorcode` and `message` (a wrong token, a function the service does not allow,
a missing capability, an unknown course): each is raised as `MoodleError`, whose `message`
says in the reader's language what went wrong and what to fix.
"""

from __future__ import annotations

from collections.abc import Mapping

import requests
from django.utils.translation import gettext as _

from .errors import UserError

TIMEOUT = 30  # seconds a call may take


class MoodleError(UserError):
    """A call that failed: `message` in plain words, `code` Moodle's errorcode (or ours)."""

    def __init__(self, message: str, code: str = ""):
        super().__init__(message)
        self.code = code


def flattened(params: Mapping, prefix: str = "") -> list[tuple[str, str]]:
    """`{"users": [{"email": "a@b"}]}` as Moodle reads it: `[("users[0][email]", "a@b")]`;
    booleans as 1 and 0."""
    pairs = []
    for key, value in params.items():
        name = f"{prefix}[{key}]" if prefix else str(key)
        if isinstance(value, Mapping):
            pairs.extend(flattened(value, name))
        elif isinstance(value, list | tuple):
            pairs.extend(flattened(dict(enumerate(value)), name))
        elif isinstance(value, bool):
            pairs.append((name, "1" if value else "0"))
        elif value is not None:
            pairs.append((name, str(value)))
    return pairs


def explained(errorcode: str, message: str, function: str) -> str:
    """What a Moodle error means for the person running the sync, and what to fix."""
    known = {
        "invalidtoken": _(
            "The learning site refused the token: check MOODLE_TOKEN (it may have expired or "
            "been deleted)."
        ),
        "accessexception": _(
            "The learning site refused the call %(function)s: add it to the web service the "
            "token belongs to, and check that the token's user may use it."
        ),
        "servicenotavailable": _(
            "The learning site's web service is turned off or does not offer %(function)s."
        ),
        "webservicesnotenabled": _(
            "Web services are turned off on the learning site: turn them on (Site "
            "administration › Advanced features) and enable the REST protocol."
        ),
        "nopermissions": _(
            "The token's user lacks a permission the call %(function)s needs: give it that "
            "capability on the learning site."
        ),
        "invalidrecord": _(
            "The learning site has no such record (a course or user named in the call "
            "%(function)s): check the course's Moodle name in Capacita."
        ),
        "invalidparameter": _("The learning site found a parameter of %(function)s invalid."),
        "wsnoinstance": _(
            "A course on the learning site has no manual enrolment method: add “Manual "
            "enrolments” to the course's enrolment methods (Course › Participants › Enrolment "
            "methods) and turn it on."
        ),
        "wscannotenrol": _(
            "The token's user may not enrol people with the role MOODLE_STUDENT_ROLE names: "
            "check that role's id (a standard site's student role is 5) and that the user may "
            "assign it."
        ),
        "nocriteriaset": _(
            "The course has no completion criteria on the learning site: set its course "
            "completion there."
        ),
    }
    text = known.get(errorcode)
    if text is None:
        return _("The learning site answered an error (%(code)s): %(message)s") % {
            "code": errorcode or "?",
            "message": message[:300],
        }
    return text % {"function": function}


class MoodleClient:
    def __init__(self, url: str, token: str, *, session: requests.Session | None = None):
        self.endpoint = url.rstrip("/") + "/webservice/rest/server.php"
        self.token = token
        self.session = session or requests.Session()

    def call(self, function: str, **params):
        data = [
            ("wstoken", self.token),
            ("wsfunction", function),
            ("moodlewsrestformat", "json"),
            *flattened(params),
        ]
        try:
            response = self.session.post(self.endpoint, data=data, timeout=TIMEOUT)
        except requests.RequestException as error:
            raise MoodleError(
                _("The learning site could not be reached (%(error)s): check MOODLE_URL.")
                % {"error": type(error).__name__},
                "unreachable",
            ) from error
        if response.status_code != 200:
            raise MoodleError(
                _("The learning site answered HTTP %(status)s: check MOODLE_URL.")
                % {"status": response.status_code},
                "http",
            )
        try:
            body = response.json()
        except ValueError as error:
            raise MoodleError(
                _(
                    "The learning site's answer was not JSON: check that MOODLE_URL is the "
                    "site's address and the REST protocol is enabled."
                ),
                "notjson",
            ) from error
        if isinstance(body, dict) and "exception" in body:
            code = str(body.get("errorcode", ""))
            raise MoodleError(explained(code, str(body.get("message", "")), function), code)
        return body

"""A small Moodle web-services server for the tests, on loopback: the REST protocol as
Moodle's reference describes it (`webservice/rest/server.php`, `wstoken`, `wsfunction`,
`moodlewsrestformat=json`, lists as `values[0]`), its errors as HTTP 200 with `exception`,
`errorcode` and `message`, and the three functions the completion sync calls."""

from __future__ import annotations

import json
import threading
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PATH = "/webservice/rest/server.php"


@dataclass
class Course:
    id: int
    shortname: str
    aggregation: int = 1  # 1: every criterion, 2: any
    # user id -> [(complete, timecompleted)] per criterion
    criteria: dict[int, list[tuple[bool, int | None]]] = field(default_factory=dict)
    enrolled: set[int] = field(default_factory=set)


@dataclass
class FakeMoodle:
    token: str = "moodle-test-token"
    allowed: set[str] = field(
        default_factory=lambda: {
            "core_course_get_courses_by_field",
            "core_user_get_users_by_field",
            "core_completion_get_course_completion_status",
        }
    )
    users: dict[int, str] = field(default_factory=dict)  # id -> e-mail
    courses: list[Course] = field(default_factory=list)
    calls: list[tuple[str, dict]] = field(default_factory=list)

    def answer(self, form: dict[str, str]):
        function = form.get("wsfunction", "")
        self.calls.append((function, form))
        if form.get("wstoken") != self.token:
            return _error("invalidtoken", "Invalid token - token not found")
        if form.get("moodlewsrestformat") != "json":
            return _error("invalidparameter", "Invalid parameter value detected")
        if function not in self.allowed:
            return _error("accessexception", "Access control exception")
        return getattr(self, function)(form)

    def core_course_get_courses_by_field(self, form):
        if form.get("field") != "shortname":
            return _error("invalidparameter", "Invalid parameter value detected")
        found = [c for c in self.courses if c.shortname == form.get("value")]
        return {
            "courses": [{"id": c.id, "shortname": c.shortname} for c in found],
            "warnings": [],
        }

    def core_user_get_users_by_field(self, form):
        if form.get("field") != "email" or "values" in form:
            return _error("invalidparameter", "Invalid parameter value detected")
        asked = [value.lower() for key, value in form.items() if key.startswith("values[")]
        return [
            {"id": pk, "email": email, "fullname": email.split("@")[0], "username": email}
            for pk, email in self.users.items()
            if email.lower() in asked
        ]

    def core_completion_get_course_completion_status(self, form):
        course = next((c for c in self.courses if str(c.id) == form.get("courseid")), None)
        if course is None:
            return _error("invalidrecord", "Can't find data record in database table course.")
        user_id = int(form.get("userid", "0"))
        if user_id not in course.enrolled:
            return _error("usernotenroled", "User is not enrolled in this course")
        criteria = course.criteria.get(user_id, [(False, None)])
        done = [complete for complete, _when in criteria]
        completed = any(done) if course.aggregation == 2 else all(done)
        return {
            "completionstatus": {
                "completed": completed,
                "aggregation": course.aggregation,
                "completions": [
                    {
                        "type": 4,
                        "title": "Activity completion",
                        "status": "Yes" if complete else "No",
                        "complete": complete,
                        "timecompleted": when,
                        "details": {"type": "", "criteria": "", "requirement": "", "status": ""},
                    }
                    for complete, when in criteria
                ],
            },
            "warnings": [],
        }


def _error(code: str, message: str) -> dict:
    return {"exception": "moodle_exception", "errorcode": code, "message": message}


def serve(moodle: FakeMoodle):
    """Serve `moodle` on a free loopback port; returns (base URL, stop())."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - the http.server's name
            if self.path != PATH:
                self.send_response(404)
                self.end_headers()
                return
            length = int(self.headers.get("Content-Length", "0"))
            form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
            body = json.dumps(moodle.answer(form)).encode()
            self.send_response(200)  # Moodle's errors come with 200 too
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def stop():
        server.shutdown()
        server.server_close()

    return f"http://127.0.0.1:{server.server_address[1]}", stop

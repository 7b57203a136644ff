"""A small Moodle web-services server for the tests, on loopback: the REST protocol as
Moodle's reference describes it (`webservice/rest/server.php`, `wstoken`, `wsfunction`,
`moodlewsrestformat=json`, lists as `values[0]`), its errors as HTTP 200 with `exception`,
`errorcode` and `message`, and the functions the completion sync and the enrolment call."""

from __future__ import annotations

import json
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler

from tests.fakes.serving import serve_on_loopback

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
            "core_user_create_users",
            "core_enrol_get_enrolled_users",
            "enrol_manual_enrol_users",
        }
    )
    users: dict[int, str] = field(default_factory=dict)  # id -> e-mail
    created: list[dict] = field(default_factory=list)  # the accounts created, as sent
    enrolments: list[tuple[int, int, int]] = field(default_factory=list)  # (role, user, course)
    # Courses whose manual enrolment method is off (Moodle: `wsnoinstance`).
    without_manual: set[int] = field(default_factory=set)
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

    def core_user_create_users(self, form):
        users = _records(form, "users")
        taken = {email.lower() for email in self.users.values()}
        for user in users:
            missing = {"username", "firstname", "lastname", "email"} - set(user)
            if missing or not (user.get("password") or user.get("createpassword") == "1"):
                return _error("invalidparameter", "Invalid parameter value detected")
            if user["username"] != user["username"].lower() or user["email"].lower() in taken:
                return _error("invalidparameter", "Username already exists")
        made = []
        for user in users:
            pk = max(self.users, default=100) + 1
            self.users[pk] = user["email"]
            self.created.append(user)
            made.append({"id": pk, "username": user["username"]})
        return made

    def core_enrol_get_enrolled_users(self, form):
        course = next((c for c in self.courses if str(c.id) == form.get("courseid")), None)
        if course is None:
            return _error("invalidrecord", "Can't find data record in database table course.")
        return [{"id": pk, "email": self.users.get(pk, "")} for pk in sorted(course.enrolled)]

    def enrol_manual_enrol_users(self, form):
        wanted = _records(form, "enrolments")
        for item in wanted:
            course = next((c for c in self.courses if str(c.id) == item.get("courseid")), None)
            if course is None or course.id in self.without_manual:
                return _error(
                    "wsnoinstance",
                    "Manual enrolment plugin instance doesn't exist or is disabled for the course",
                )
            if int(item.get("userid", "0")) not in self.users:
                return _error("invalidrecord", "Can't find data record in database table user.")
        for item in wanted:
            course = next(c for c in self.courses if str(c.id) == item["courseid"])
            course.enrolled.add(int(item["userid"]))
            self.enrolments.append((int(item["roleid"]), int(item["userid"]), course.id))
        return None


def _records(form: dict, name: str) -> list[dict]:
    """`users[0][email]=…&users[0][lang]=…` read back as [{"email": …, "lang": …}]."""
    records: dict[int, dict] = {}
    for key, value in form.items():
        if key.startswith(name + "["):
            index, _sep, rest = key[len(name) + 1 :].partition("][")
            records.setdefault(int(index), {})[rest.rstrip("]")] = value
    return [records[index] for index in sorted(records)]


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

    return serve_on_loopback(Handler)

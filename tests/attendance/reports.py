"""Zoom participants reports written by hand for the attendance tests, and the people they
name.

Session 1 of the demo programme runs on 26 October 2021 from 14:00 to 16:00 in Mexico City
(UTC−05:00 then), 19:00–21:00 UTC. Times below are written as Zoom writes them, in the zone
the test states on import.
"""

from __future__ import annotations

import csv
import io

from django.contrib.auth import get_user_model

from capacita.agenda.models import VirtualSession
from capacita.programmes.models import Country, Membership, Role

MEETING_HEADER = [
    "Meeting ID",
    "Topic",
    "Start Time",
    "End Time",
    "User Email",
    "Duration (Minutes)",
    "Participants",
]
PARTICIPANTS_HEADER = [
    "Name (Original Name)",
    "User Email",
    "Join Time",
    "Leave Time",
    "Duration (Minutes)",
    "Guest",
]
UNIQUE_USERS_HEADER = ["Name (Original Name)", "User Email", "Total Duration (Minutes)", "Guest"]
DAY = "10/26/2021"


def at(clock: str, day: str = DAY) -> str:
    """`at("02:03 PM")` → `10/26/2021 02:03:00 PM`, as Zoom writes it."""
    time, meridiem = clock.split()
    if time.count(":") == 1:
        time += ":00"
    return f"{day} {time} {meridiem}"


def row(name: str, email: str, joined: str, left: str, guest: str = "") -> list[str]:
    """One participants' row; `joined` and `left` as for `at`."""
    return [name, email, at(joined), at(left), "", guest or ("Yes" if not email else "No")]


def report(
    *rows,
    meeting: bool = True,
    header=PARTICIPANTS_HEADER,
    bom: bool = False,
    trailing_comma: bool = False,
    extra_columns: tuple[str, ...] = (),
    extra_values: tuple[str, ...] = (),
) -> bytes:
    """A participants report as Zoom exports it."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    lines = []
    if meeting:
        lines.append(MEETING_HEADER)
        lines.append(
            [
                "812 3456 7890",
                "Sesión 1: Personas migrantes y mercado laboral",
                at("01:55 PM"),
                at("04:05 PM"),
                "manager@example.org",
                "130",
                str(len(rows)),
            ]
        )
        lines.append([])
    lines.append([*header, *extra_columns])
    for values in rows:
        lines.append([*values, *extra_values] if extra_values else list(values))
    for line in lines:
        writer.writerow([*line, ""] if trailing_comma and line else line)
    content = out.getvalue().encode("utf-8")
    return b"\xef\xbb\xbf" + content if bom else content


def session(programme, number: int = 1) -> VirtualSession:
    return VirtualSession.objects.select_related("programme").get(
        programme=programme, number=number
    )


def person(
    programme,
    email: str,
    first_name: str,
    last_name: str,
    role: str = Role.PARTICIPANT,
    country: str | None = "MX",
):
    """An account with a role in the programme."""
    User = get_user_model()
    country_obj = Country.objects.get(code=country) if country else None
    user = User.objects.create_user(
        email, None, first_name=first_name, last_name=last_name, country=country_obj
    )
    Membership.objects.create(programme=programme, user=user, role=role, country=country_obj)
    return user

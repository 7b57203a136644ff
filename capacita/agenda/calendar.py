"""The programme's sessions as an iCalendar file, in the active language."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from capacita.shared.formats import clock
from capacita.shared.zones import zone_name

from .selectors import sessions_with_agenda


def _person_line(part) -> str:
    person = part.person
    details = ", ".join(filter(None, [person.position, person.organisation]))
    line = f"{person.name} ({details})" if details else person.name
    if part.to_be_confirmed:
        line = _("%(person)s [to be confirmed]") % {"person": line}
    return line


def session_description(session, zone) -> str:
    """The session's agenda as plain text lines, times in the programme's zone."""
    lines = [_("Agenda (times in %(zone)s):") % {"zone": zone_name(zone)}, ""]
    for item in session.items.all():
        when = clock(item.starts_at, zone)
        if item.ends_at:
            when = f"{when}–{clock(item.ends_at, zone)}"
        title = item.title
        if item.to_be_confirmed:
            title = _("%(title)s [to be confirmed]") % {"title": title}
        lines.append(f"{when}  {title}")
        for part in item.speakers:
            lines.append("    " + _("Speaker: %(person)s") % {"person": _person_line(part)})
        for part in item.facilitators:
            lines.append("    " + _("Facilitator: %(person)s") % {"person": _person_line(part)})
    interpretation = session.interpretation_languages
    if interpretation:
        lines += ["", _("Interpretation: %(languages)s") % {"languages": ", ".join(interpretation)}]
    return "\n".join(lines)


def programme_calendar(programme, page_url: str) -> bytes:
    """One event per virtual session, with a stable UID and the programme's time zone."""
    zone = programme.zone
    calendar = Calendar()
    calendar.add("prodid", "-//Capacita//Programme calendar//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", programme.title)
    calendar.add("x-wr-timezone", zone.key)
    stamp = timezone.now().astimezone(dt.UTC)
    for session in sessions_with_agenda(programme):
        event = Event()
        event.add("uid", session.ics_uid)
        event.add("dtstamp", stamp)
        event.add("dtstart", session.starts_at.astimezone(zone))
        event.add("dtend", session.ends_at.astimezone(zone))
        event.add(
            "summary",
            _("%(programme)s — Session %(number)s: %(title)s")
            % {"programme": programme.title, "number": session.number, "title": session.title},
        )
        event.add("description", session_description(session, zone))
        event.add("url", page_url)
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()

"""Reminders by e-mail, in each person's language, through the background queue.

- The day before a session (it starts within the next 24 hours): every registered person
  who wants reminders, with the time in their zone and the calendar file attached.
- A week before a required or optional course's deadline: every participant who has not
  completed it.

`send_due_reminders` is safe to run as often as wanted (e.g. hourly from cron):
`ReminderSent` remembers what was queued.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from capacita.agenda.calendar import programme_calendar
from capacita.agenda.models import VirtualSession
from capacita.completions.models import CourseCompletion
from capacita.emails.services import queue_email
from capacita.programmes.models import Course, Membership, Role
from capacita.shared.zones import zone_or_none

from .models import ReminderSent

SESSION_NOTICE = dt.timedelta(hours=24)
DEADLINE_NOTICE = dt.timedelta(days=7)
REGISTERED_ROLES = (Role.PARTICIPANT, Role.OBSERVER, Role.FACILITATOR, Role.MANAGER)


@dataclass
class ReminderCount:
    sessions: int = 0
    deadlines: int = 0


def _render(user, template: str, context: dict) -> tuple[str, str]:
    with translation.override(user.language):
        subject = " ".join(
            render_to_string(f"progress/emails/{template}_subject.txt", context).split()
        )
        body = render_to_string(f"progress/emails/{template}_body.txt", context)
    return subject, body


def _people(programme, roles):
    return (
        Membership.objects.filter(
            programme=programme, role__in=roles, user__is_active=True, user__wants_reminders=True
        )
        .select_related("user", "user__country")
        .order_by("user_id")
    )


@transaction.atomic
def send_due_reminders(now: dt.datetime | None = None) -> ReminderCount:
    now = now or timezone.now()
    count = ReminderCount()
    site = settings.SITE_URL.rstrip("/")

    for session in VirtualSession.objects.filter(
        starts_at__gt=now, starts_at__lte=now + SESSION_NOTICE
    ).select_related("programme"):
        programme = session.programme
        done = set(
            ReminderSent.objects.filter(
                kind=ReminderSent.Kind.SESSION, session=session
            ).values_list("user_id", flat=True)
        )
        seen = set()
        calendars: dict[str, bytes] = {}
        for membership in _people(programme, REGISTERED_ROLES):
            user = membership.user
            if user.pk in done or user.pk in seen:
                continue
            seen.add(user.pk)
            zone = zone_or_none(user.preferred_time_zone) or programme.zone
            if user.language not in calendars:
                # One calendar per language for the whole session, not one per person.
                with translation.override(user.language):
                    calendars[user.language] = programme_calendar(
                        programme, site + programme.get_absolute_url()
                    )
            calendar = calendars[user.language]
            subject, body = _render(
                user,
                "session",
                {
                    "user": user,
                    "programme": programme,
                    "session": session,
                    "starts": session.starts_at.astimezone(zone),
                    "ends": session.ends_at.astimezone(zone),
                    "zone": zone.key,
                    "programme_starts": session.starts_at.astimezone(programme.zone),
                    "link": site + f"/{user.language}/programmes/{programme.slug}/me/",
                },
            )
            queue_email(
                to=user.email,
                subject=subject,
                body_text=body,
                kind="reminder.session",
                language=user.language,
                programme=programme,
                user=user,
                attachment=(f"{programme.slug}.ics", calendar, "text/calendar"),
            )
            ReminderSent.objects.create(kind=ReminderSent.Kind.SESSION, user=user, session=session)
            count.sessions += 1

    for course in Course.objects.filter(
        deadline__gt=now, deadline__lte=now + DEADLINE_NOTICE
    ).select_related("programme"):
        programme = course.programme
        completed = set(
            CourseCompletion.objects.filter(course=course, completed=True).values_list(
                "user_id", flat=True
            )
        )
        done = set(
            ReminderSent.objects.filter(kind=ReminderSent.Kind.DEADLINE, course=course).values_list(
                "user_id", flat=True
            )
        )
        for membership in _people(programme, [Role.PARTICIPANT]):
            user = membership.user
            if user.pk in completed or user.pk in done:
                continue
            zone = zone_or_none(user.preferred_time_zone) or programme.zone
            subject, body = _render(
                user,
                "deadline",
                {
                    "user": user,
                    "programme": programme,
                    "course": course,
                    "deadline": course.deadline.astimezone(zone),
                    "programme_deadline": course.deadline.astimezone(programme.zone),
                    "zone": zone.key,
                    "link": site + f"/{user.language}/programmes/{programme.slug}/me/",
                },
            )
            queue_email(
                to=user.email,
                subject=subject,
                body_text=body,
                kind="reminder.deadline",
                language=user.language,
                programme=programme,
                user=user,
            )
            ReminderSent.objects.create(kind=ReminderSent.Kind.DEADLINE, user=user, course=course)
            count.deadlines += 1
    return count

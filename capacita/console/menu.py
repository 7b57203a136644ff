"""The menu of the console: the managers' pages grouped by the steps of a programme's life.
A page that does not exist for this programme (no group work in a session) is left out."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from .parts import PARTS


@dataclass
class Entry:
    label: str
    url: str


@dataclass
class Group:
    title: str
    entries: list[Entry]


def console_menu(programme) -> list[Group]:
    slug = programme.slug

    def entry(label, name, *args):
        return Entry(label, reverse(name, args=[slug, *args]))

    def parts(*pairs):
        """The entries of the parts edited in the console, those there are."""
        return [entry(label, "console:part", key) for label, key in pairs if key in PARTS]

    group_sessions = programme.sessions.filter(group_work__isnull=False).values_list(
        "number", flat=True
    )
    return [
        Group(
            pgettext("programme step", "Programme"),
            [
                entry(_("Console"), "console:home"),
                entry(_("The programme's settings"), "console:settings"),
                *parts(
                    (_("Organisers and logos"), "organisers"),
                    (_("Specific objectives"), "objectives"),
                    (_("The programme's structure"), "structure"),
                    (_("Recommended profiles"), "profiles"),
                    (_("People of the agenda"), "agenda-people"),
                ),
                entry(_("Link people to accounts"), "console:people"),
                entry(_("Programme page"), "programmes:detail"),
                entry(_("New edition from this one"), "console:new_edition"),
            ],
        ),
        Group(
            pgettext("programme step", "Nominations"),
            [
                *parts((_("Member countries"), "member-countries")),
                entry(_("Countries and quotas"), "console:countries"),
                entry(_("Nominations"), "nominations:overview"),
                entry(_("Decide across countries"), "nominations:decide"),
                entry(_("Focal points"), "nominations:focal_points"),
                entry(_("Observers"), "nominations:observers"),
            ],
        ),
        Group(
            pgettext("programme step", "Registration"),
            [
                entry(_("Participants' progress"), "progress:board"),
                entry(_("Login lockouts"), "console:lockouts"),
            ],
        ),
        Group(
            pgettext("programme step", "Sessions and attendance"),
            [
                *parts((_("Sessions and agenda"), "sessions")),
                entry(_("Attendance"), "attendance:overview"),
                *parts((_("Group work"), "group-work"), (_("Case studies"), "cases")),
                *[
                    entry(
                        _("Groups of session %(number)s") % {"number": number},
                        "groupwork:organise",
                        number,
                    )
                    for number in group_sessions
                ],
            ],
        ),
        Group(
            pgettext("programme step", "Courses and completion"),
            [
                *parts((_("Online courses"), "courses")),
                entry(_("Course completion"), "completions:overview"),
            ],
        ),
        Group(
            pgettext("programme step", "Tests"),
            [
                *parts((_("Questions and windows"), "tests")),
                entry(_("Pre-test and post-test report"), "evaluation:report"),
            ],
        ),
        Group(
            pgettext("programme step", "Certificates"),
            [
                *parts(
                    (_("Certificate design"), "certificate-design"),
                    (_("Signatories"), "signatories"),
                ),
                entry(_("Certificates"), "certificates:overview"),
            ],
        ),
        Group(
            pgettext("programme step", "Reports"),
            [
                entry(_("Country reports"), "reports:countries"),
                entry(_("Final balance"), "reports:balance"),
                entry(_("Record of decisions"), "audit:events"),
                entry(_("Personal data"), "privacy:overview"),
            ],
        ),
    ]

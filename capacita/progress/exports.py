"""The board as a spreadsheet (XLSX) or CSV: the same rows as the page."""

from __future__ import annotations

from django.utils.translation import gettext as _

from capacita.shared.sheets import csv_file, text_workbook


def board_table(programme, rows) -> tuple[list[str], list[list[str]]]:
    sessions = list(programme.sessions.all())
    courses = list(programme.courses.all())
    header = [
        _("First name(s)"),
        _("Surname(s)"),
        _("E-mail"),
        _("Country"),
        *[_("Session %(number)s") % {"number": session.number} for session in sessions],
        # The course's title in the reader's language: its code is for the learning site.
        *[course.title for course in courses],
        _("All requirements met"),
        _("Missing"),
    ]
    # A state's words are the same for everyone: found once per state for the file, not
    # once per person and activity (120,000 look-ups of the language at 10,000 people).
    words: dict[tuple[type, str], str] = {}

    def label(item) -> str:
        key = (type(item), item.state)
        if key not in words:
            words[key] = item.label
        return words[key]

    answers = {True: _("yes"), False: _("no")}
    body = []
    for row in rows:
        user = row.user
        membership = row.membership
        complete = row.is_complete
        body.append(
            [
                user.first_name,
                user.last_name,
                user.email,
                membership.country.name if membership.country_id else "",
                *[label(item) for item in row.sessions],
                *[label(item) for item in row.courses],
                answers[complete],
                "" if complete else "; ".join(row.missing),
            ]
        )
    return header, body


def board_csv(programme, rows) -> bytes:
    return csv_file(*board_table(programme, rows))


def board_xlsx(programme, rows) -> bytes:
    header, body = board_table(programme, rows)
    return text_workbook(_("Participants"), header, body)

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from capacita.attendance.management.sessions import named_session
from capacita.attendance.services import import_meeting_report
from capacita.attendance.zoom import ReportError
from capacita.shared.zones import zone_or_none


class Command(BaseCommand):
    help = (
        "Import Zoom's participants report (CSV) for a session of a programme, its times read "
        "in the time zone of the Zoom account that exported it. Prints each person's minutes "
        "in the session and verdict, then the rows matched to nobody. Exits 0 when saved (or, "
        "with --dry-run, when it would be), 1 when the file cannot be read (nothing is saved)."
    )

    def add_arguments(self, parser):
        parser.add_argument("programme", help="the programme's slug, e.g. crm-2021")
        parser.add_argument("session", type=int, help="the session's number, e.g. 1")
        parser.add_argument("file", help="Zoom's participants report, CSV")
        parser.add_argument(
            "--timezone",
            required=True,
            help="the IANA zone of the Zoom account that exported it, e.g. America/Mexico_City",
        )
        parser.add_argument("--dry-run", action="store_true", help="check and save nothing")

    def handle(self, *args, programme, session, file, timezone, dry_run, **options):
        session_obj = named_session(programme, session)
        if zone_or_none(timezone) is None:
            raise CommandError(f"“{timezone}” is not a time zone name such as America/Mexico_City.")
        path = Path(file)
        try:
            content = path.read_bytes()
        except OSError as exc:
            self.stderr.write(f"Cannot read {file}: {exc.strerror}. Nothing was saved.")
            raise SystemExit(1) from exc
        try:
            outcome = import_meeting_report(
                session_obj, path.name, content, timezone, actor=None, dry_run=dry_run
            )
        except ReportError as exc:
            self.stderr.write(f"{file}: {exc.message}")
            for problem in exc.problems:
                self.stderr.write(f"  {problem}")
            raise SystemExit(1) from exc

        for person in outcome.people:
            line = f"{person.name} <{person.email}>: {person.minutes} min, "
            if not person.imported_status:
                line += "no report"
            else:
                line += person.imported_status
            if person.corrected:
                line += f"; marked {person.status} by hand ({person.reason})"
            self.stdout.write(line)
        for group in outcome.unmatched:
            self.stdout.write(
                f"unmatched: {group.name or '-'} <{group.email}>: {group.rows} rows, "
                f"{group.minutes} min"
            )
        summary = (
            f"Session {session_obj.number}: {outcome.row_count} rows, "
            f"{outcome.matched_rows} matched, {outcome.unmatched_rows} unmatched; "
            f"{outcome.count('present')} present, {outcome.count('absent')} absent, "
            f"{outcome.count('excused')} excused."
        )
        if outcome.waiting_room_rows:
            summary += f" {outcome.waiting_room_rows} rows in the waiting room not counted."
        if outcome.already_imported:
            self.stdout.write(summary + " This report was already imported: nothing changed.")
        elif dry_run:
            self.stdout.write(summary + " Dry run: nothing was saved.")
        else:
            self.stdout.write(self.style.SUCCESS(summary + " Saved."))

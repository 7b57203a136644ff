from django.core.management.base import BaseCommand, CommandError

from capacita.attendance import meeting_tool
from capacita.attendance.management.sessions import named_session
from capacita.attendance.models import AttendanceRecord
from capacita.shared.zoom_api import ZoomError

Status = AttendanceRecord.Status


class Command(BaseCommand):
    help = (
        "Read the participants report of a session's Zoom meeting from Zoom's Reports API "
        "(ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID, ZOOM_CLIENT_SECRET) and import it as an uploaded "
        "report is. Repeatable: a run that finds nothing new saves nothing. Exits 1 when Zoom "
        "refuses or the report is not ready yet, with nothing saved."
    )

    def add_arguments(self, parser):
        parser.add_argument("programme", help="the programme's slug, e.g. crm-2021")
        parser.add_argument("session", type=int, help="the session's number, e.g. 1")
        parser.add_argument("--dry-run", action="store_true", help="check and save nothing")

    def handle(self, *args, programme, session, dry_run, **options):
        session_obj = named_session(programme, session)
        try:
            outcome = meeting_tool.import_attendance(session_obj, None, dry_run=dry_run)
        except ZoomError as error:
            raise CommandError(
                "\n".join([error.message, *(f"  {problem}" for problem in error.problems)])
            ) from error
        if outcome.dry_run:
            state = "dry run, nothing saved"
        elif outcome.already_imported:
            state = "nothing new"
        else:
            state = "saved"
        self.stdout.write(
            f"Session {session_obj.number}: {outcome.row_count} rows read from Zoom, "
            f"{outcome.waiting_room_rows} more in the waiting room (not counted); present "
            f"{outcome.count(Status.PRESENT)}, absent {outcome.count(Status.ABSENT)}, excused "
            f"{outcome.count(Status.EXCUSED)}; rows matched to nobody {outcome.unmatched_rows} "
            f"({state})"
        )
        for group in outcome.unmatched:
            self.stdout.write(
                f"  matched to nobody: {group.name or '—'} <{group.email or 'no e-mail'}>, "
                f"rows {group.rows}, {group.minutes} min in the session"
            )

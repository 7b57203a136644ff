from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from capacita.completions import services
from capacita.completions.moodle import DATE_ORDERS, ReportError
from capacita.programmes.models import Course, Programme


class Command(BaseCommand):
    help = (
        "Import a course completion report exported from the learning site (Moodle) as CSV, "
        "as the upload does: prints the verdict on each participant's row and the rows "
        "matched to nobody; exits 0 when saved (or, with --dry-run, when it would be), 1 "
        "when the file cannot be read, in which case nothing is saved."
    )

    def add_arguments(self, parser):
        parser.add_argument("programme", help="the programme's slug, e.g. crm-2021")
        parser.add_argument("course", help="the course's code, e.g. migration-trends")
        parser.add_argument("file", help="the completion report, CSV")
        parser.add_argument(
            "--date-order",
            choices=DATE_ORDERS,
            default="dmy",
            help="how the report writes its dates: dmy (Moodle's default: 03/11/21 is "
            "3 November), mdy or ymd",
        )
        parser.add_argument("--dry-run", action="store_true", help="check and save nothing")

    def handle(self, *args, programme, course, file, date_order, dry_run, **options):
        programme_obj = Programme.objects.filter(slug=programme).first()
        if programme_obj is None:
            raise CommandError(f"No programme “{programme}”.")
        course_obj = Course.objects.filter(programme=programme_obj, code=course).first()
        if course_obj is None:
            codes = ", ".join(programme_obj.courses.values_list("code", flat=True))
            raise CommandError(f"No course “{course}” in {programme}: its courses are {codes}.")
        path = Path(file)
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}") from exc
        try:
            outcome = services.import_completion_report(
                course_obj, path.name, content, date_order, actor=None, dry_run=dry_run
            )
        except ReportError as exc:
            raise CommandError(f"{file}: {exc.message} Nothing was saved.") from exc

        zone = programme_obj.zone
        for verdict in outcome.verdicts:
            user = verdict.user
            line = f"row {verdict.row.number}: {user.get_full_name()} <{user.email}>: "
            line += self._figure(verdict.outcome, verdict.row.completed_at, zone)
            if verdict.kept_by_hand:
                kept = "completed" if verdict.completion.completed else "not completed"
                line += f"; marked by hand as {kept}, which stays"
            if not verdict.changed:
                line += " (unchanged)"
            self.stdout.write(line)
        for row in outcome.unmatched:
            who = f"{row.name} <{row.email}>" if row.email else f"{row.name} (no e-mail)"
            figure = self._figure(
                services.COMPLETED if row.completed else services.NOT_COMPLETED,
                row.completed_at,
                zone,
            )
            self.stdout.write(f"row {row.number}: matched to nobody: {who}: {figure}")
        for problem in outcome.problems:
            self.stdout.write(f"row {problem.number}: not read: {problem.message}")

        completed = outcome.count(services.COMPLETED) + outcome.count(services.LATE)
        summary = (
            f"{len(outcome.verdicts)} participants found: {completed} completed "
            f"({outcome.count(services.LATE)} late), "
            f"{outcome.count(services.NOT_COMPLETED)} not completed; "
            f"{len(outcome.unmatched)} rows matched to nobody, "
            f"{len(outcome.problems)} rows not read; {outcome.changed} records changed."
        )
        if dry_run:
            self.stdout.write(summary + " Dry run: nothing was saved.")
        elif outcome.already_imported:
            self.stdout.write(summary + " Already imported: nothing changed.")
        else:
            self.stdout.write(self.style.SUCCESS(summary + " Saved."))

    @staticmethod
    def _figure(outcome, completed_at, zone) -> str:
        if outcome == services.NOT_COMPLETED:
            return "not completed"
        text = "completed late" if outcome == services.LATE else "completed"
        if completed_at:
            local = timezone.localtime(completed_at, zone)
            text += f" on {local:%Y-%m-%d %H:%M} ({zone.key})"
        return text

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from capacita.evaluation import services
from capacita.programmes.models import Programme


class Command(BaseCommand):
    help = (
        "Import answers to a programme's pre-test or post-test (CSV or XLSX: an `email` "
        "column and one column per question code). Exits 0 when saved (or, with --dry-run, "
        "when they would be), 1 when any row is refused, in which case nothing is saved."
    )

    def add_arguments(self, parser):
        parser.add_argument("programme", help="the programme's slug, e.g. crm-2021")
        parser.add_argument("kind", choices=["pre", "post"])
        parser.add_argument("file", help="the answers, XLSX or CSV")
        parser.add_argument("--dry-run", action="store_true", help="check and save nothing")

    def handle(self, *args, programme, kind, file, dry_run, **options):
        programme_obj = Programme.objects.filter(slug=programme).first()
        if programme_obj is None:
            raise CommandError(f"No programme “{programme}”.")
        path = Path(file)
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}") from exc
        try:
            columns, rows = services.read_response_file(path.name, content)
            outcome = services.import_responses(
                programme_obj, kind, rows, actor=None, dry_run=dry_run, columns=columns
            )
        except services.EvaluationError as exc:
            raise CommandError(f"{file}: {exc.message}") from exc
        for problem in outcome.problems:
            self.stdout.write(problem)
        for verdict in outcome.refused:
            self.stdout.write(f"row {verdict.number}: " + "; ".join(verdict.reasons))
        summary = f"{len(outcome.verdicts)} rows, {len(outcome.refused)} refused."
        if not outcome.ok:
            self.stdout.write(summary + " Nothing was saved.")
            raise SystemExit(1)
        if dry_run:
            self.stdout.write(summary + f" Dry run: {outcome.saved} would be saved.")
        else:
            self.stdout.write(summary + f" {outcome.saved} responses saved.")

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from capacita.nominations import services
from capacita.nominations.spreadsheets import SheetError, read_nomination_sheet
from capacita.nominations.verdicts import RowVerdict
from capacita.programmes.models import Country, Programme


class Command(BaseCommand):
    help = (
        "Import a country's list of nominees (XLSX or CSV) with the same checks as the "
        "upload: exits 0 when saved (or, with --dry-run, when it would be), 1 when any row "
        "is refused, in which case nothing is saved."
    )

    def add_arguments(self, parser):
        parser.add_argument("programme", help="the programme's slug, e.g. crm-2021")
        parser.add_argument("file", help="the list, XLSX or CSV")
        parser.add_argument("--country", required=True, help="ISO code, e.g. MX")
        parser.add_argument("--dry-run", action="store_true", help="check and save nothing")
        parser.add_argument(
            "--language",
            default="es",
            choices=["es", "en"],
            help="the language of rows that do not say theirs",
        )

    def handle(self, *args, programme, file, country, dry_run, language, **options):
        programme_obj = Programme.objects.filter(slug=programme).first()
        if programme_obj is None:
            raise CommandError(f"No programme “{programme}”.")
        country_obj = Country.objects.filter(code=country.upper()).first()
        if country_obj is None:
            raise CommandError(f"No country with the ISO code “{country}”.")
        path = Path(file)
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}") from exc
        try:
            sheet = read_nomination_sheet(path.name, content)
        except SheetError as exc:
            raise CommandError(f"{file}: {exc.message}") from exc
        try:
            result = services.import_nominations(
                programme_obj,
                country_obj,
                sheet.rows,
                actor=None,
                dry_run=dry_run,
                default_language=language,
            )
        except services.NominationError as exc:
            raise CommandError(exc.message) from exc

        if sheet.ignored_columns:
            self.stdout.write("Columns not used: " + ", ".join(sheet.ignored_columns))
        for verdict in result.refused:
            self.stdout.write(f"row {verdict.number}: refused: " + "; ".join(verdict.reasons))
        counts = {
            outcome: result.count(outcome)
            for outcome in (
                RowVerdict.NEW,
                RowVerdict.RESERVE,
                RowVerdict.UNCHANGED,
                RowVerdict.REFUSED,
            )
        }
        summary = (
            f"{len(result.verdicts)} rows: {counts['new']} new, {counts['reserve']} to the "
            f"reserve list, {counts['unchanged']} already on the list, "
            f"{counts['refused']} refused."
        )
        if result.refused:
            self.stdout.write(summary + " Nothing was saved.")
            raise SystemExit(1)
        if dry_run:
            self.stdout.write(summary + " Dry run: nothing was saved.")
        else:
            self.stdout.write(self.style.SUCCESS(summary + " Saved."))

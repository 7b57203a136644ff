import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from capacita.evaluation.report import evaluation_report
from capacita.programmes.models import Country, Programme
from capacita.reports import documents, figures


class Command(BaseCommand):
    help = (
        "The programme's final balance — the evaluation figures (knowledge gain, by country, "
        "profile and sex/gender, per item, each participant's scores), the group work, and "
        "nominations, attendance, completion, certificates and observers — or, with "
        "--country, that country's report; as JSON, an XLSX workbook or a PDF."
    )

    def add_arguments(self, parser):
        parser.add_argument("programme", help="the programme's slug, e.g. crm-2021")
        parser.add_argument("--format", choices=["json", "xlsx", "pdf"], default="json")
        parser.add_argument("--country", help="a member country's ISO code: its report only")
        parser.add_argument("-o", "--output", help="write to this file (JSON: default stdout)")
        parser.add_argument("--language", choices=["es", "en"], default="en")

    def handle(self, *args, programme, format, country, output, language, **options):
        programme_obj = Programme.objects.filter(slug=programme).first()
        if programme_obj is None:
            raise CommandError(f"No programme “{programme}”.")
        country_obj = None
        if country:
            country_obj = Country.objects.filter(
                code=country.upper(), programmes=programme_obj
            ).first()
            if country_obj is None:
                raise CommandError(f"“{country}” is not a member country of {programme}.")
        if format != "json" and not output:
            raise CommandError(f"--format {format} needs -o <file>.")
        with translation.override(language):
            if format == "json":
                report = self._json(programme_obj, country_obj)
                text = json.dumps(report, ensure_ascii=False, indent=2, default=str)
                if output:
                    Path(output).write_text(text + "\n", encoding="utf-8")
                else:
                    self.stdout.write(text)
                return
            if country_obj is not None:
                report = figures.country_report(programme_obj, country_obj)
                content = documents.country_document(programme_obj, report, format)
            else:
                content = documents.balance_document(programme_obj, format)
            Path(output).write_bytes(content)
        self.stdout.write(f"Wrote {output}.")

    def _json(self, programme, country) -> dict:
        if country is not None:
            return figures.country_report(programme, country)
        report = evaluation_report(programme)
        balance = figures.programme_balance(programme, report)
        report["group_work"] = balance.pop("group_work")
        report["balance"] = balance
        return report

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from capacita.evaluation.report import evaluation_report
from capacita.evaluation.workbook import report_workbook
from capacita.groupwork.report import group_work_report
from capacita.programmes.models import Programme


class Command(BaseCommand):
    help = (
        "The programme's evaluation figures (knowledge gain, by country, profile and sex/gender, "
        "per item, each participant's scores) and its group work (JSON only) as JSON or as an "
        "XLSX workbook."
    )

    def add_arguments(self, parser):
        parser.add_argument("programme", help="the programme's slug, e.g. crm-2021")
        parser.add_argument("--format", choices=["json", "xlsx"], default="json")
        parser.add_argument("-o", "--output", help="write to this file (JSON: default stdout)")
        parser.add_argument("--language", choices=["es", "en"], default="en")

    def handle(self, *args, programme, format, output, language, **options):
        programme_obj = Programme.objects.filter(slug=programme).first()
        if programme_obj is None:
            raise CommandError(f"No programme “{programme}”.")
        with translation.override(language):
            report = evaluation_report(programme_obj)
            report["group_work"] = group_work_report(programme_obj)
            if format == "json":
                text = json.dumps(report, ensure_ascii=False, indent=2)
                if output:
                    Path(output).write_text(text + "\n", encoding="utf-8")
                else:
                    self.stdout.write(text)
                return
            if not output:
                raise CommandError("--format xlsx needs -o <file>.")
            Path(output).write_bytes(report_workbook(report))
        self.stdout.write(f"Wrote {output}.")

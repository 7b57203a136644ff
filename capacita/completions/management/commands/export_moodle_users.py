from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from capacita.completions.moodle import moodle_users_csv
from capacita.completions.selectors import participants
from capacita.programmes.models import Programme


class Command(BaseCommand):
    help = (
        "Write the programme's accepted participants as the CSV that Moodle's “Upload users” "
        "tool takes (username, firstname, lastname, email, course1, …), to a file with -o or "
        "else to standard output."
    )

    def add_arguments(self, parser):
        parser.add_argument("programme", help="the programme's slug, e.g. crm-2021")
        parser.add_argument("-o", "--output", help="the file to write (default: standard output)")

    def handle(self, *args, programme, output, **options):
        programme_obj = Programme.objects.filter(slug=programme).first()
        if programme_obj is None:
            raise CommandError(f"No programme “{programme}”.")
        content = moodle_users_csv(programme_obj)
        if not output:
            self.stdout.write(content.decode("utf-8"), ending="")
            return
        try:
            Path(output).write_bytes(content)
        except OSError as exc:
            raise CommandError(f"Cannot write {output}: {exc.strerror}") from exc
        count = participants(programme_obj).count()
        self.stdout.write(f"{count} participants written to {output}.")

from django.core.management.base import BaseCommand

from capacita.privacy.retention import remind_retention


class Command(BaseCommand):
    help = (
        "Remind each programme's managers, once, when its retention date has passed and the "
        "programme is not anonymised yet. Safe to run often (e.g. daily)."
    )

    def handle(self, *args, **options):
        count = remind_retention()
        self.stdout.write(f"{count} retention reminder(s) queued.")

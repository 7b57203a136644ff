from django.core.management.base import BaseCommand

from capacita.progress.reminders import send_due_reminders


class Command(BaseCommand):
    help = (
        "Queue the reminders that are due: sessions starting within 24 hours, course "
        "deadlines within a week. Safe to run often (e.g. hourly): nothing is sent twice."
    )

    def handle(self, *args, **options):
        count = send_due_reminders()
        self.stdout.write(
            f"{count.sessions} session reminder(s) and {count.deadlines} deadline "
            "reminder(s) queued."
        )

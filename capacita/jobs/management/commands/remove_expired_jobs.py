from django.core.management.base import BaseCommand

from capacita.jobs.services import remove_expired


class Command(BaseCommand):
    help = (
        "Remove background jobs finished more than a day ago, with their files, and mark "
        "failed those that never finished (their worker was lost). Run it every hour."
    )

    def handle(self, *args, **options):
        removed, given_up = remove_expired()
        self.stdout.write(f"{removed} expired job(s) removed, {given_up} unfinished given up")

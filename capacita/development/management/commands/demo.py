from django.core.management.base import BaseCommand

from capacita.development.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, load_demo, load_next_edition


class Command(BaseCommand):
    help = (
        "Load the 2021 CRM programme, its next edition dated from the coming weeks, and one "
        "demo account per role (idempotent); then print the logins."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-logins", action="store_true", help="Load the demo without printing the logins."
        )
        parser.add_argument(
            "--logins-only",
            action="store_true",
            help="Print the logins without loading anything (after the e-mails have gone out).",
        )

    def handle(self, *args, **options):
        if not options["logins_only"]:
            programme, _accounts = load_demo()
            next_edition = load_next_edition()
            self.stdout.write(
                self.style.SUCCESS(f"Demo programmes: {programme.slug}, {next_edition.slug}")
            )
        if not options["no_logins"]:
            self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
            for account in DEMO_ACCOUNTS:
                where = f" ({account.country})" if account.country else ""
                self.stdout.write(f"  {account.role:<12} {account.email}{where}")

from django.core.management.base import BaseCommand

from capacita.demo import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Load the 2021 CRM programme and one demo account per role (idempotent)."

    def handle(self, *args, **options):
        programme, accounts = load_demo()
        self.stdout.write(self.style.SUCCESS(f"Demo programme: {programme.slug}"))
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for account in accounts:
            where = f" ({account.country})" if account.country else ""
            self.stdout.write(f"  {account.role:<12} {account.email}{where}")

from django.core.management.base import BaseCommand, CommandError

from capacita.certificates.kept import differences, refresh
from capacita.programmes.models import Programme


class Command(BaseCommand):
    help = (
        "Work out every participant's standing with the certificate rule again from the "
        "records and report where the kept progress differs; exit with status 1 when it does. "
        "With --repair, bring the kept progress up to date afterwards."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "programme", nargs="?", help="the programme's slug, e.g. crm-2021 (default: all)"
        )
        parser.add_argument("--repair", action="store_true", help="bring what differs up to date")

    def handle(self, *args, programme=None, repair=False, **options):
        programmes = Programme.objects.order_by("slug")
        if programme:
            programmes = programmes.filter(slug=programme)
            if not programmes.exists():
                raise CommandError(f"No programme “{programme}”.")
        differing = 0
        for each in programmes:
            found = differences(each)
            for line in found:
                self.stdout.write(f"{each.slug}: {line}")
            if found and repair:
                refresh(each)
                found = differences(each)
                self.stdout.write(f"{each.slug}: repaired, {len(found)} differences left")
            differing += len(found)
            if not found:
                self.stdout.write(f"{each.slug}: the kept progress agrees with the rule")
        if differing:
            raise CommandError(f"{differing} differences between the kept progress and the rule.")

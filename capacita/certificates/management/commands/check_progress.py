from django.core.management.base import BaseCommand, CommandError

from capacita.certificates.kept import differences, refresh
from capacita.evaluation import kept as verdicts
from capacita.programmes.models import Programme


class Command(BaseCommand):
    help = (
        "Work out every participant's standing with the certificate rule again from the "
        "records, whether each test answer is right and what each test response counts, and "
        "report where what is kept differs; exit with status 1 when it does. With --repair, "
        "bring it up to date afterwards."
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
            for what, check, repaired in (
                ("the kept progress", differences, refresh),
                ("the kept verdicts of the test answers", verdicts.differences, verdicts.refresh),
                (
                    "the kept counts of the test responses",
                    verdicts.count_differences,
                    verdicts.recount_all,
                ),
            ):
                found = check(each)
                for line in found:
                    self.stdout.write(f"{each.slug}: {line}")
                if found and repair:
                    repaired(each)
                    found = check(each)
                    self.stdout.write(f"{each.slug}: repaired, {len(found)} differences left")
                differing += len(found)
                if not found:
                    self.stdout.write(f"{each.slug}: {what} agrees with the rule")
        if differing:
            raise CommandError(
                f"{differing} differences between the kept progress or verdicts and the rule."
            )

from django.core.management.base import BaseCommand, CommandError

from capacita.certificates.services import Verdict, issue_certificates
from capacita.programmes.models import Programme


class Command(BaseCommand):
    help = (
        "Issue a certificate to every participant who meets the programme's rule and has "
        "none; print who gets one, who already has one, and who does not and why. Each new "
        "certificate is e-mailed to its holder. Running it twice issues nothing twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("programme", help="the programme's slug, e.g. crm-2021")
        parser.add_argument(
            "--dry-run", action="store_true", help="say who would get one; issue nothing"
        )

    def handle(self, *args, programme, dry_run, **options):
        programme_obj = Programme.objects.filter(slug=programme).first()
        if programme_obj is None:
            raise CommandError(f"No programme “{programme}”.")
        outcome = issue_certificates(programme_obj, actor=None, dry_run=dry_run)
        for standing in outcome.standings:
            name = f"{standing.user.get_full_name()} <{standing.user.email}>"
            if standing.verdict == Verdict.ISSUED:
                if dry_run:
                    self.stdout.write(f"would issue   {name}")
                else:
                    code = standing.certificate.formatted_code
                    self.stdout.write(f"issued        {name}  {code}")
            elif standing.verdict == Verdict.HAS_ONE:
                code = standing.certificate.formatted_code
                self.stdout.write(f"has one       {name}  {code}")
            else:
                self.stdout.write(f"not eligible  {name}: " + "; ".join(standing.reasons))
        issued = outcome.count(Verdict.ISSUED)
        self.stdout.write(
            f"{issued} {'would be issued' if dry_run else 'issued'}, "
            f"{outcome.count(Verdict.HAS_ONE)} already held, "
            f"{outcome.count(Verdict.NOT_ELIGIBLE) + outcome.count(Verdict.REVOKED)} not eligible."
        )

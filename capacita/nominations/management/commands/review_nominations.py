from django.core.management.base import BaseCommand, CommandError

from capacita.nominations import services
from capacita.programmes.models import Country, Programme


class Command(BaseCommand):
    help = (
        "Accept the submitted nominations that fit their country's quota, create the "
        "accounts and queue the invitations."
    )

    def add_arguments(self, parser):
        parser.add_argument("programme", help="the programme's slug, e.g. crm-2021")
        parser.add_argument(
            "--accept-all",
            action="store_true",
            required=True,
            help="accept every submitted nomination within quota",
        )
        parser.add_argument("--country", help="only this country (ISO code)")

    def handle(self, *args, programme, accept_all, country, **options):
        programme_obj = Programme.objects.filter(slug=programme).first()
        if programme_obj is None:
            raise CommandError(f"No programme “{programme}”.")
        country_obj = None
        if country:
            country_obj = Country.objects.filter(code=country.upper()).first()
            if country_obj is None:
                raise CommandError(f"No country with the ISO code “{country}”.")
        accepted = services.accept_all_within_quota(programme_obj, actor=None, country=country_obj)
        for nomination in accepted:
            self.stdout.write(
                f"accepted {nomination.country.code} {nomination.full_name} "
                f"<{nomination.email}>: account ready, invitation queued"
            )
        self.stdout.write(f"{len(accepted)} nomination(s) accepted.")

from django.core.management.base import BaseCommand, CommandError

from capacita.completions import learning_site, services
from capacita.programmes.models import Programme
from capacita.shared.moodle_ws import MoodleError


class Command(BaseCommand):
    help = (
        "Read course completions from the learning site's web services (MOODLE_URL, "
        "MOODLE_TOKEN) for every course of the programme that names its Moodle course, and "
        "take them as an imported completion report does. Repeatable: a run that finds "
        "nothing new saves nothing. Exits 1 when the site refuses, with nothing saved for "
        "that course."
    )

    def add_arguments(self, parser):
        parser.add_argument("programme", help="the programme's slug, e.g. crm-2021")
        parser.add_argument(
            "--completion", action="store_true", help="read each course's completions"
        )
        parser.add_argument("--dry-run", action="store_true", help="check and save nothing")

    def handle(self, *args, programme, completion, dry_run, **options):
        programme_obj = Programme.objects.filter(slug=programme).first()
        if programme_obj is None:
            raise CommandError(f"No programme “{programme}”.")
        if not completion:
            raise CommandError("Say what to read from the learning site: --completion.")
        try:
            site = learning_site.client()
        except MoodleError as error:
            raise CommandError(error.message) from error
        failed = False
        for course in programme_obj.courses.order_by("position", "code"):
            if not course.moodle_course.strip():
                self.stdout.write(f"{course.code}: skipped, no course on the learning site named")
                continue
            try:
                outcome = learning_site.sync_completion(course, None, dry_run=dry_run, site=site)
            except MoodleError as error:
                self.stderr.write(f"{course.code}: {error.message}")
                failed = True
                continue
            self.stdout.write(_summary(course, outcome))
        if failed:
            raise CommandError("The learning site refused some courses: nothing saved for them.")


def _summary(course, outcome) -> str:
    if outcome.dry_run:
        state = "dry run, nothing saved"
    elif outcome.already_imported:
        state = "nothing new"
    else:
        state = f"saved, {outcome.changed} changed"
    return (
        f"{course.code}: {outcome.count(services.COMPLETED)} completed, "
        f"{outcome.count(services.LATE)} late, {outcome.count(services.NOT_COMPLETED)} not "
        f"completed, {len(outcome.problems)} not found there ({state})"
    )

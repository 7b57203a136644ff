from django.core.management.base import BaseCommand, CommandError

from capacita.completions import learning_site, services
from capacita.programmes.models import Programme
from capacita.shared.moodle_ws import MoodleError


class Command(BaseCommand):
    help = (
        "Work with the learning site's web services (MOODLE_URL, MOODLE_TOKEN) for every "
        "course of the programme that names its Moodle course. --enrol: give each accepted "
        "participant an account there (found by e-mail or created, Moodle e-mailing its "
        "password) and enrol them as students. --completion: read each course's completions "
        "and take them as an imported completion report does. Both repeatable: a run that "
        "finds nothing new changes nothing. Exits 1 when the site refuses."
    )

    def add_arguments(self, parser):
        parser.add_argument("programme", help="the programme's slug, e.g. crm-2021")
        parser.add_argument(
            "--enrol", action="store_true", help="create the accounts and enrol the participants"
        )
        parser.add_argument(
            "--completion", action="store_true", help="read each course's completions"
        )
        parser.add_argument("--dry-run", action="store_true", help="check and save nothing")

    def handle(self, *args, programme, enrol, completion, dry_run, **options):
        programme_obj = Programme.objects.filter(slug=programme).first()
        if programme_obj is None:
            raise CommandError(f"No programme “{programme}”.")
        if not (enrol or completion):
            raise CommandError("Say what to do on the learning site: --enrol, --completion.")
        try:
            site = learning_site.client()
        except MoodleError as error:
            raise CommandError(error.message) from error
        if enrol:
            try:
                outcome = learning_site.enrol(programme_obj, None, dry_run=dry_run, site=site)
            except MoodleError as error:
                raise CommandError(error.message) from error
            self.stdout.write(_enrolled(outcome))
        if not completion:
            return
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


def _enrolled(outcome) -> str:
    lines = [
        f"enrolment: {outcome.people} participants, {len(outcome.created)} accounts "
        f"{'to create' if outcome.dry_run else 'created'}"
        + (" (dry run, nothing changed)" if outcome.dry_run else "")
    ]
    for code in outcome.courses:
        lines.append(
            f"{code}: {outcome.enrolled[code]} "
            f"{'to enrol' if outcome.dry_run else 'enrolled'}, "
            f"{outcome.already[code]} already enrolled"
        )
    for code in outcome.unnamed:
        lines.append(f"{code}: skipped, no course on the learning site named")
    return "\n".join(lines)

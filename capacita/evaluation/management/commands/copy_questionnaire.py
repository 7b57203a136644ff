from django.core.management.base import BaseCommand, CommandError

from capacita.evaluation import services
from capacita.evaluation.models import Questionnaire
from capacita.programmes.models import Programme


class Command(BaseCommand):
    help = (
        "Copy a programme's pre-test or post-test (sections, questions, options; no dates, no "
        "answers) to another programme that has none of that kind yet."
    )

    def add_arguments(self, parser):
        parser.add_argument("programme", help="the slug of the programme to copy from")
        parser.add_argument("kind", choices=["pre", "post"])
        parser.add_argument("to_programme", help="the slug of the programme to copy to")

    def handle(self, *args, programme, kind, to_programme, **options):
        questionnaire = Questionnaire.objects.filter(programme__slug=programme, kind=kind).first()
        if questionnaire is None:
            raise CommandError(f"“{programme}” has no {kind}-test.")
        target = Programme.objects.filter(slug=to_programme).first()
        if target is None:
            raise CommandError(f"No programme “{to_programme}”.")
        try:
            copy = services.copy_questionnaire(questionnaire, target)
        except services.EvaluationError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"Copied to {target.slug}: {copy.sections.count()} sections. Set its dates in the "
            "administration site."
        )

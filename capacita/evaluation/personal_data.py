"""The personal data of the pre- and post-tests (see `capacita.shared.personal_data`)."""

from django.db.models import Prefetch

from capacita.shared.personal_data import BLANK, KEEP, Export, PersonalData

from .models import Answer, Response


def _answers(response) -> list[dict]:
    return [
        {
            "question": answer.question.code,
            "choices": answer.choice_codes,
            "scale": answer.scale,
            "text": answer.text,
        }
        for answer in response.answers.all()
    ]


DECLARATIONS = (
    PersonalData(
        Response,
        person="user",
        programme="questionnaire__programme",
        audit_subject=True,
        personal={
            "language": KEEP,
            "started_at": KEEP,
            "submitted_at": KEEP,
            # Counted from the answers chosen, which stay: kept with them.
            "right_answers": KEEP,
            "scale_total": KEEP,
            "scale_answers": KEEP,
        },
        not_personal=("questionnaire", "updated_at", "source"),
        export=Export(
            "tests",
            {
                "programme": "questionnaire.programme.slug",
                "kind": "questionnaire.kind",
                "language": "language",
                "started_at": "started_at",
                "submitted_at": "submitted_at",
                "answers": _answers,
            },
            related=("questionnaire__programme",),
            prefetch=(
                Prefetch(
                    "answers",
                    queryset=Answer.objects.select_related("question__section").order_by(
                        "question__section__position", "question__position"
                    ),
                ),
            ),
        ),
    ),
    PersonalData(
        Answer,
        person="response__user",
        programme="response__questionnaire__programme",
        personal={
            # What they wrote goes; the answers chosen, counted by the statistics, stay.
            "text": BLANK,
            "choice_codes": KEEP,
            "scale": KEEP,
            # Whether the chosen codes are right: kept with them.
            "is_right": KEEP,
        },
        not_personal=("question",),
        # Exported within its response's entry.
    ),
)

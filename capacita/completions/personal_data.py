"""The personal data of course completions (see `capacita.shared.personal_data`)."""

from capacita.shared.personal_data import KEEP, REPORT_ROWS, SCRUB, Export, PersonalData

from .models import CompletionReport, CourseCompletion

DECLARATIONS = (
    PersonalData(
        CompletionReport,
        personal={
            # The learning site's rows matched to no one, or unreadable: names and addresses.
            "unmatched": REPORT_ROWS,
            "problems": REPORT_ROWS,
            "uploaded_by": KEEP,
        },
        not_personal=(
            "course",
            "filename",
            "date_order",
            "time_zone",
            "sha256",
            "row_count",
            "created_at",
        ),
        # The reports of the programmes the person took part in may list them.
        naming=lambda anonymisation: CompletionReport.objects.filter(
            course__programme_id__in=anonymisation.programmes
        ),
        of_programme=lambda programme: CompletionReport.objects.filter(course__programme=programme),
    ),
    PersonalData(
        CourseCompletion,
        person="user",
        programme="course__programme",
        audit_subject=True,
        personal={
            "completed": KEEP,
            "completed_at": KEEP,
            "is_late": KEEP,
            "source": KEEP,
            "imported_completed": KEEP,
            "imported_completed_at": KEEP,
            # Typed by whoever marked it by hand: it may name the person.
            "reason": SCRUB,
            "marked_at": KEEP,
            "marked_by": KEEP,
        },
        not_personal=("course", "report", "updated_at"),
        export=Export(
            "course_completions",
            {
                "programme": "course.programme.slug",
                "course": "course.code",
                "completed": "completed",
                "completed_at": "completed_at",
                "is_late": "is_late",
                "source": "source",
                "reason": "reason",
            },
            related=("course__programme",),
        ),
    ),
)

"""The personal data of attendance (see `capacita.shared.personal_data`)."""

from django.db.models import Q

from capacita.shared.personal_data import (
    ANONYMOUS_FIRST_NAME,
    BLANK,
    DELETE_ROW,
    KEEP,
    SCRUB,
    STAND_IN_NAME,
    Export,
    PersonalData,
)

from .models import AttendanceRecord, JoinInterval, MeetingReport, NameMatch


def _rows_showing(anonymisation):
    """The meeting report's rows matched to no one that show the person's name or address."""
    traces = anonymisation.traces
    shown = Q(email__in=traces.addresses)
    for name in traces.full_names:
        shown |= Q(name__iexact=name)
    return anonymisation.within(
        JoinInterval.objects.filter(shown, user__isnull=True), "session__programme"
    )


def _rows_of_programme(programme):
    """Every row of the programme's meeting reports, but those anonymised already (their
    stand-in names stay)."""
    return JoinInterval.objects.filter(session__programme=programme).exclude(
        email="", name__startswith=ANONYMOUS_FIRST_NAME
    )


DECLARATIONS = (
    PersonalData(
        MeetingReport,
        # Who imported a report: the record of the import. Its rows are declared below.
        personal={"uploaded_by": KEEP},
        not_personal=(
            "session",
            "filename",
            "sha256",
            "time_zone",
            "row_count",
            "meeting_id",
            "topic",
            "waiting_room_rows",
            "created_at",
        ),
    ),
    PersonalData(
        JoinInterval,
        person="user",
        programme="session__programme",
        personal={
            # The name and address the meeting tool showed; when they were there stays.
            "name": STAND_IN_NAME,
            "email": BLANK,
            "joined_at": KEEP,
            "left_at": KEEP,
            "row_count": KEEP,
            "spans": KEEP,
        },
        not_personal=("report", "session", "row_number"),
        naming=_rows_showing,
        of_programme=_rows_of_programme,
        export=Export(
            "meeting_rows",
            {
                "programme": "session.programme.slug",
                "session": "session.number",
                "name": "name",
                "email": "email",
                "joined_at": "joined_at",
                "left_at": "left_at",
                "rows": "row_count",
            },
            related=("session__programme",),
        ),
    ),
    PersonalData(
        NameMatch,
        # A remembered match of a meeting name to an account: of no use without the name.
        person="user",
        programme="programme",
        personal={
            "meeting_name": DELETE_ROW,
            "meeting_email": DELETE_ROW,
            "created_by": KEEP,
        },
        not_personal=("programme", "created_at"),
        of_programme=lambda programme: NameMatch.objects.filter(programme=programme),
    ),
    PersonalData(
        AttendanceRecord,
        person="user",
        programme="session__programme",
        audit_subject=True,
        personal={
            "status": KEEP,
            "imported_status": KEEP,
            "imported_minutes": KEEP,
            # Typed by whoever corrected it: it may name the person.
            "correction_reason": SCRUB,
            "corrected_at": KEEP,
            "corrected_by": KEEP,
        },
        not_personal=("session", "updated_at"),
        export=Export(
            "attendance",
            {
                "programme": "session.programme.slug",
                "session": "session.number",
                "status": "status",
                "imported_status": "imported_status",
                "imported_minutes": "imported_minutes",
                "corrected_at": "corrected_at",
                "correction_reason": "correction_reason",
            },
            related=("session__programme",),
        ),
    ),
)

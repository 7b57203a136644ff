from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from capacita.agenda.models import VirtualSession
from capacita.programmes.models import Programme
from capacita.shared import text_limits as limits
from capacita.shared.text_limits import text_field


class MeetingReport(models.Model):
    """A participants report exported from the meeting tool (Zoom) for one session."""

    session = models.ForeignKey(
        VirtualSession, on_delete=models.CASCADE, related_name="meeting_reports"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    filename = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("fingerprint"), max_length=64)
    time_zone = models.CharField(
        _("time zone of the report"),
        max_length=64,
        help_text=_("The zone of the meeting account that exported the report."),
    )
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    meeting_id = models.CharField(_("meeting ID"), max_length=64, blank=True)
    topic = models.CharField(_("meeting topic"), max_length=300, blank=True)
    waiting_room_rows = models.PositiveIntegerField(
        _("rows in the waiting room"),
        default=0,
        help_text=_("Rows of time spent in the waiting room, which does not count."),
    )
    created_at = models.DateTimeField(_("imported"), auto_now_add=True)

    class Meta:
        verbose_name = _("meeting report")
        verbose_name_plural = _("meeting reports")
        ordering = ["session", "created_at"]
        constraints = [
            # Re-importing the same file changes nothing.
            models.UniqueConstraint(fields=["session", "sha256"], name="unique_report_file")
        ]

    def __str__(self):
        return self.filename


class JoinInterval(models.Model):
    """The rows one name and e-mail has in a meeting report: someone in the meeting from a
    join time to a leave time, once per row.

    A report's rows are kept together per name and e-mail because they are matched together
    (who a row is depends only on the name and e-mail it shows) and counted together (only
    the union of the intervals matters). `spans` is that union, `[joined, left]` pairs in
    whole seconds since 1970-01-01 UTC, not yet clipped to the session; `joined_at` and
    `left_at` are the first join and the last leave; `row_number` is the first row and
    `row_count` the number of rows. A report of 100,000 rows for 1,000 people is 1,000 of
    these.
    """

    report = models.ForeignKey(MeetingReport, on_delete=models.CASCADE, related_name="intervals")
    session = models.ForeignKey(VirtualSession, on_delete=models.CASCADE, related_name="+")
    row_number = models.PositiveIntegerField(_("row"))
    name = models.CharField(_("name in the meeting"), max_length=300)
    email = models.CharField(_("e-mail in the meeting"), max_length=254, blank=True)
    joined_at = models.DateTimeField(_("joined"))
    left_at = models.DateTimeField(_("left"))
    row_count = models.PositiveIntegerField(_("rows"), default=1)
    spans = models.JSONField(
        _("time in the meeting"),
        default=list,
        help_text=_("The rows' intervals merged, as [joined, left] in seconds since 1970 (UTC)."),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="join_intervals",
        help_text=_("Empty while the rows are not matched to anyone."),
    )

    class Meta:
        verbose_name = _("rows of a name in a report")
        verbose_name_plural = _("rows of names in reports")
        ordering = ["session", "joined_at"]
        indexes = [models.Index(fields=["session", "user"])]

    def __str__(self):
        return f"{self.name} {self.joined_at:%H:%M}–{self.left_at:%H:%M} ({self.row_count})"


class NameMatch(models.Model):
    """A manager's answer to “who is this?” for a name (and e-mail) the meeting tool showed,
    remembered for the next reports of the programme."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="+")
    meeting_name = models.CharField(_("name in the meeting"), max_length=300)
    meeting_email = models.CharField(_("e-mail in the meeting"), max_length=254, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("remembered match")
        verbose_name_plural = _("remembered matches")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "meeting_name", "meeting_email"], name="unique_name_match"
            )
        ]

    def __str__(self):
        return f"{self.meeting_name} → {self.user}"


class AttendanceRecord(models.Model):
    """A person's attendance at a session: the imported figure and any correction by hand."""

    class Status(models.TextChoices):
        PRESENT = "present", _("present")
        ABSENT = "absent", _("absent")
        EXCUSED = "excused", _("excused")

    session = models.ForeignKey(
        VirtualSession, on_delete=models.CASCADE, related_name="attendance_records"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attendance_records"
    )
    imported_minutes = models.PositiveIntegerField(
        _("minutes in the session (imported)"), default=0
    )
    imported_status = models.CharField(
        _("status from the reports"), max_length=10, choices=Status.choices, blank=True
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    corrected_at = models.DateTimeField(_("corrected"), null=True, blank=True)
    correction_reason = text_field(_("reason for the correction"), limits.REASON, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("attendance record")
        verbose_name_plural = _("attendance records")
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="unique_attendance_record")
        ]

    def __str__(self):
        return f"{self.user} · {self.session} · {self.get_status_display()}"

    @property
    def is_corrected(self) -> bool:
        return self.corrected_at is not None

    @property
    def counts_as_attended(self) -> bool:
        return self.status == self.Status.PRESENT

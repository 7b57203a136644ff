from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from capacita.programmes.models import Course
from capacita.shared import text_limits as limits
from capacita.shared.text_limits import text_field


class CompletionReport(models.Model):
    """A course completion report exported from the learning site (Moodle), as imported."""

    class DateOrder(models.TextChoices):
        DMY = "dmy", _("day/month/year")
        MDY = "mdy", _("month/day/year")
        YMD = "ymd", _("year/month/day")

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="completion_reports")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    filename = models.CharField(_("file name"), max_length=255)
    date_order = models.CharField(
        _("date order"), max_length=3, choices=DateOrder.choices, default=DateOrder.DMY
    )
    time_zone = models.CharField(
        _("time zone of the report"),
        max_length=64,
        blank=True,
        help_text=_("The zone the learning site wrote the report's dates in."),
    )
    sha256 = models.CharField(_("fingerprint"), max_length=64, blank=True)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    unmatched = models.JSONField(_("rows matched to nobody"), default=list, blank=True)
    problems = models.JSONField(_("rows that could not be read"), default=list, blank=True)
    created_at = models.DateTimeField(_("imported"), auto_now_add=True)

    class Meta:
        verbose_name = _("completion report")
        verbose_name_plural = _("completion reports")
        ordering = ["course", "-created_at"]

    def __str__(self):
        return self.filename


class CourseCompletion(models.Model):
    """Whether a person completed a course, when, and whether by its deadline."""

    class Source(models.TextChoices):
        IMPORT = "import", _("learning site's report")
        HAND = "hand", _("marked by hand")

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="completions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="course_completions"
    )
    completed = models.BooleanField(_("completed"), default=False)
    completed_at = models.DateTimeField(_("completed on"), null=True, blank=True)
    is_late = models.BooleanField(_("completed after the deadline"), default=False)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    report = models.ForeignKey(
        CompletionReport,
        verbose_name=_("last report"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The last report that gave this person's figure for the course."),
    )
    imported_completed = models.BooleanField(_("completed (imported)"), null=True, blank=True)
    imported_completed_at = models.DateTimeField(
        _("completed on (imported)"), null=True, blank=True
    )
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    marked_at = models.DateTimeField(_("marked"), null=True, blank=True)
    reason = text_field(_("reason"), limits.REASON, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("course completion")
        verbose_name_plural = _("course completions")
        constraints = [
            models.UniqueConstraint(fields=["course", "user"], name="unique_course_completion")
        ]

    def __str__(self):
        return f"{self.user} · {self.course}"

    @property
    def is_marked_by_hand(self) -> bool:
        return self.source == self.Source.HAND

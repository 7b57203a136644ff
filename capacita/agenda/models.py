from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from capacita.programmes.models import Person, Programme
from capacita.shared.bilingual import Bilingual, BilingualMixin
from capacita.shared.storage import private_storage
from capacita.shared.uploads import FileCheck, SafeUploadTo


class VirtualSession(BilingualMixin):
    """A live session of a programme. Times are stored in UTC."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="sessions")
    number = models.PositiveSmallIntegerField(_("number"))
    title_es = models.CharField(_("title (Spanish)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    meeting_url = models.URLField(_("meeting link"), max_length=500, blank=True)
    zoom_meeting = models.CharField(
        _("Zoom meeting"),
        max_length=100,
        blank=True,
        help_text=_(
            "Its meeting ID (e.g. 812 3456 7890) or the UUID of one occurrence: attendance can "
            "then be read from Zoom's reports, without a file."
        ),
    )
    recording_url = models.URLField(_("recording link"), max_length=500, blank=True)
    recording_file = models.FileField(
        _("recording file"),
        upload_to=SafeUploadTo("recordings/%Y/", "recording_file"),
        validators=[FileCheck("UPLOAD_MAX_RECORDING_BYTES", ["mp4", "mov", "webm"])],
        storage=private_storage,
        blank=True,
        help_text=_("Served only to registered people, through links that expire."),
    )
    interpretation = models.CharField(
        _("interpretation languages"),
        max_length=40,
        blank=True,
        help_text=_("Language codes separated by commas, e.g. es,en."),
    )

    title = Bilingual("title")

    class Meta:
        verbose_name = _("virtual session")
        verbose_name_plural = _("virtual sessions")
        ordering = ["programme", "number"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "number"], name="unique_session_number"),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="session_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.number}. {self.title}"

    def clean(self):
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("A session must end after it starts.")})

    @property
    def interpretation_languages(self) -> list[str]:
        return [code.strip() for code in self.interpretation.split(",") if code.strip()]

    @property
    def ics_uid(self) -> str:
        """Stable across reloads of the programme, so calendars update instead of duplicating."""
        return f"{self.programme.slug}-session-{self.number}@capacita"


class AgendaItem(BilingualMixin):
    class Kind(models.TextChoices):
        WELCOME = "welcome", _("welcome")
        PRESENTATION = "presentation", _("presentation")
        QUESTIONS = "questions", _("questions and answers")
        PANEL = "panel", _("panel")
        GROUP_WORK = "group_work", _("group work")
        PLENARY = "plenary", _("plenary")
        TEST = "test", _("test")
        CLOSING = "closing", _("closing")

    session = models.ForeignKey(VirtualSession, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(_("order"))
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title_es = models.CharField(_("title (Spanish)"), max_length=500)
    title_en = models.CharField(_("title (English)"), max_length=500)
    description_es = models.TextField(_("description (Spanish)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    to_be_confirmed = models.BooleanField(_("to be confirmed"), default=False)

    title = Bilingual("title")
    description = Bilingual("description")

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["session", "position"]
        constraints = [
            models.UniqueConstraint(fields=["session", "position"], name="unique_item_position")
        ]

    def __str__(self):
        return self.title

    def clean(self):
        if self.ends_at and self.starts_at and self.ends_at < self.starts_at:
            raise ValidationError({"ends_at": _("An agenda item cannot end before it starts.")})

    @property
    def facilitators(self):
        return [p for p in self.participants.all() if p.role == AgendaParticipant.Role.FACILITATOR]

    @property
    def speakers(self):
        return [p for p in self.participants.all() if p.role == AgendaParticipant.Role.SPEAKER]


class AgendaParticipant(models.Model):
    """A named person's part in an agenda item, possibly still to be confirmed."""

    class Role(models.TextChoices):
        FACILITATOR = "facilitator", _("facilitator")
        SPEAKER = "speaker", _("speaker")

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="participants")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="agenda_parts")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    to_be_confirmed = models.BooleanField(_("to be confirmed"), default=False)

    class Meta:
        verbose_name = _("agenda participant")
        verbose_name_plural = _("agenda participants")
        ordering = ["item", "role", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "person", "role"], name="unique_agenda_participant"
            )
        ]

    def __str__(self):
        return f"{self.person} ({self.get_role_display()})"


class Slides(models.Model):
    """A speaker's slides (PDF or PowerPoint) for an agenda item, for registered people."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="slides")
    title = models.CharField(_("title"), max_length=300)
    file = models.FileField(
        _("file"),
        upload_to=SafeUploadTo("slides/%Y/", "file"),
        validators=[FileCheck("UPLOAD_MAX_SLIDES_BYTES", ["pdf", "pptx"])],
        storage=private_storage,
    )
    uploaded_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("slides")
        verbose_name_plural = _("slides")
        ordering = ["item", "uploaded_at"]

    def __str__(self):
        return self.title

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from capacita.agenda.models import VirtualSession
from capacita.case_study.models import Perspective
from capacita.programmes.models import Country
from capacita.shared import text_limits as limits
from capacita.shared.bilingual import Bilingual, BilingualMixin
from capacita.shared.text_limits import text_field


class SessionWork(models.Model):
    """How a virtual session works in groups: how people are grouped, and whether the
    plenary (every group's answers side by side) is open to the participants."""

    class Grouping(models.TextChoices):
        COUNTRY = "country", _("by country")
        THEME = "theme", _("by theme")

    session = models.OneToOneField(
        VirtualSession, on_delete=models.CASCADE, related_name="group_work"
    )
    grouping = models.CharField(
        _("grouping"), max_length=7, choices=Grouping.choices, default=Grouping.COUNTRY
    )
    plenary_open = models.BooleanField(
        _("plenary open to participants"),
        default=False,
        help_text=_("Facilitators and managers always see the plenary."),
    )

    class Meta:
        verbose_name = _("group work of a session")
        verbose_name_plural = _("group work of sessions")

    def __str__(self):
        return str(self.session)


class WorkGroup(BilingualMixin):
    """A group of a session: its name, its task, its facilitator and, for a grouping by
    country, the countries whose participants it gathers; by theme, its perspective."""

    session_work = models.ForeignKey(SessionWork, on_delete=models.CASCADE, related_name="groups")
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    name_es = models.CharField(_("name (Spanish)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    task_es = text_field(_("task (Spanish)"), limits.INSTRUCTIONS, blank=True)
    task_en = text_field(_("task (English)"), limits.INSTRUCTIONS, blank=True)
    countries = models.ManyToManyField(
        Country, blank=True, related_name="work_groups", verbose_name=_("countries")
    )
    perspective = models.CharField(
        _("perspective"), max_length=13, choices=Perspective.choices, blank=True
    )
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="facilitated_groups",
        verbose_name=_("facilitator"),
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="GroupMember",
        related_name="work_groups",
        verbose_name=_("members"),
    )

    name = Bilingual("name")
    task = Bilingual("task")

    class Meta:
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        ordering = ["session_work", "position", "pk"]

    def __str__(self):
        return self.name


class GroupMember(models.Model):
    group = models.ForeignKey(WorkGroup, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="group_memberships"
    )
    # Repeated from the group so that the database keeps one group per person and session.
    session_work = models.ForeignKey(SessionWork, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("group member")
        verbose_name_plural = _("group members")
        constraints = [
            models.UniqueConstraint(
                fields=["session_work", "user"], name="groupwork_one_group_per_session"
            )
        ]

    def __str__(self):
        return f"{self.user} · {self.group}"


class GroupQuestion(BilingualMixin):
    """A question the group answers together in one shared text."""

    group = models.ForeignKey(WorkGroup, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    text_es = text_field(_("question (Spanish)"), limits.QUESTION)
    text_en = text_field(_("question (English)"), limits.QUESTION)

    text = Bilingual("text")

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["group", "position", "pk"]

    def __str__(self):
        return self.text


class AnswerVersion(models.Model):
    """One saved version of a group's shared answer; the latest
    `text_limits.GROUP_ANSWER_VERSIONS` of each answer are kept."""

    question = models.ForeignKey(GroupQuestion, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    text = text_field(_("text"), limits.GROUP_ANSWER, limits.GROUP_ANSWER_LINES, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    saved_at = models.DateTimeField(_("saved at"), auto_now_add=True)

    class Meta:
        verbose_name = _("answer version")
        verbose_name_plural = _("answer versions")
        ordering = ["question", "number"]
        constraints = [
            # Two saves on the same version cannot both become the next one.
            models.UniqueConstraint(fields=["question", "number"], name="groupwork_version_once")
        ]

    def __str__(self):
        return f"{self.question} · v{self.number}"

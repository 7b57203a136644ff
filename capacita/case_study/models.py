"""IOM's model for determining migrant vulnerability (Determinants of Migrant Vulnerability):
a reusable catalogue of factors, reusable cases with guiding questions per perspective, and
each group's assessment of a case — risk and protective factors at four levels."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from capacita.shared import text_limits as limits
from capacita.shared.bilingual import Bilingual, BilingualMixin
from capacita.shared.text_limits import text_field


class Perspective(models.TextChoices):
    """The four perspectives from which session 3's groups study a case."""

    PROTECTION = "protection", _("protection and labour rights")
    INCLUSION = "inclusion", _("labour inclusion")
    GOVERNANCE = "governance", _("governance")
    EMPLOYABILITY = "employability", _("employability")


class Level(models.TextChoices):
    """The four levels at which the model looks for factors, in the model's order."""

    INDIVIDUAL = "individual", _("individual")
    HOUSEHOLD = "household", _("household and family")
    COMMUNITY = "community", _("community")
    STRUCTURAL = "structural", _("structural")


class Kind(models.TextChoices):
    RISK = "risk", _("risk factor")
    PROTECTIVE = "protective", _("protective factor")


class Factor(BilingualMixin):
    """A factor of the catalogue, shared by every programme."""

    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    code = models.SlugField(_("code"), max_length=60, unique=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    name_es = models.CharField(_("name (Spanish)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)

    name = Bilingual("name")

    class Meta:
        verbose_name = _("factor")
        verbose_name_plural = _("factors")
        ordering = ["position", "code"]

    def __str__(self):
        return self.name


class Case(BilingualMixin):
    """A case study, shared by every programme that wants it."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    title_es = models.CharField(_("title (Spanish)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300)
    story_es = text_field(_("story (Spanish)"), limits.CASE_STORY)
    story_en = text_field(_("story (English)"), limits.CASE_STORY)

    title = Bilingual("title")
    story = Bilingual("story")

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["code"]

    def __str__(self):
        return self.title


class CaseQuestion(BilingualMixin):
    """A guiding question on a case for the groups that study it from one perspective."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="questions")
    perspective = models.CharField(_("perspective"), max_length=13, choices=Perspective.choices)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    text_es = text_field(_("question (Spanish)"), limits.QUESTION)
    text_en = text_field(_("question (English)"), limits.QUESTION)

    text = Bilingual("text")

    class Meta:
        verbose_name = _("guiding question")
        verbose_name_plural = _("guiding questions")
        ordering = ["case", "perspective", "position", "pk"]

    def __str__(self):
        return self.text


class SessionCase(models.Model):
    """The case a session's groups study."""

    session_work = models.OneToOneField(
        "groupwork.SessionWork", on_delete=models.CASCADE, related_name="case_study"
    )
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="sessions")

    class Meta:
        verbose_name = _("case of a session")
        verbose_name_plural = _("cases of sessions")

    def __str__(self):
        return f"{self.session_work} · {self.case}"


class Assessment(models.Model):
    """A group's reading of the case: its factors, the needs it sees, what it proposes."""

    group = models.OneToOneField(
        "groupwork.WorkGroup", on_delete=models.CASCADE, related_name="assessment"
    )
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="assessments")
    needs = text_field(_("needs"), limits.ASSESSMENT_TEXT, limits.ASSESSMENT_LINES, blank=True)
    referrals = text_field(
        _("services and referrals"), limits.ASSESSMENT_TEXT, limits.ASSESSMENT_LINES, blank=True
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("vulnerability assessment")
        verbose_name_plural = _("vulnerability assessments")

    def __str__(self):
        return f"{self.group} · {self.case}"


class AssessedFactor(models.Model):
    """One factor a group found in the case: from the catalogue or named by the group."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="factors")
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    factor = models.ForeignKey(
        Factor,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("factor of the catalogue"),
    )
    custom_name = models.CharField(
        _("the group's own factor"), max_length=limits.FACTOR_NAME, blank=True
    )
    note = text_field(_("note"), limits.FACTOR_NOTE, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("assessed factor")
        verbose_name_plural = _("assessed factors")
        ordering = ["assessment", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(factor__isnull=False) & Q(custom_name=""))
                | (Q(factor__isnull=True) & ~Q(custom_name="")),
                name="vulnerability_factor_or_custom_name",
            )
        ]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return self.factor.name if self.factor_id else self.custom_name

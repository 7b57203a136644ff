import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from capacita.countries.models import Country
from capacita.shared import text_limits as limits
from capacita.shared.bilingual import Bilingual, BilingualMixin
from capacita.shared.storage import private_storage
from capacita.shared.text_limits import text_field
from capacita.shared.uploads import FileCheck, SafeUploadTo
from capacita.shared.zones import validate_time_zone


class Programme(BilingualMixin):
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    title_es = models.CharField(_("title (Spanish)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300)
    subtitle_es = models.CharField(_("subtitle (Spanish)"), max_length=300, blank=True)
    subtitle_en = models.CharField(_("subtitle (English)"), max_length=300, blank=True)
    description_es = text_field(_("description (Spanish)"), limits.PROGRAMME_TEXT)
    description_en = text_field(_("description (English)"), limits.PROGRAMME_TEXT)
    general_objective_es = text_field(_("general objective (Spanish)"), limits.PROGRAMME_TEXT)
    general_objective_en = text_field(_("general objective (English)"), limits.PROGRAMME_TEXT)
    methodology_es = text_field(_("methodology (Spanish)"), limits.PROGRAMME_TEXT, blank=True)
    methodology_en = text_field(_("methodology (English)"), limits.PROGRAMME_TEXT, blank=True)
    participation_es = text_field(_("participation (Spanish)"), limits.PROGRAMME_TEXT, blank=True)
    participation_en = text_field(_("participation (English)"), limits.PROGRAMME_TEXT, blank=True)
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        validators=[validate_time_zone],
        help_text=_("The zone the programme's agenda is written in."),
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    interpretation = models.CharField(
        _("interpretation languages"),
        max_length=40,
        blank=True,
        help_text=_("Language codes separated by commas, e.g. es,en."),
    )
    is_published = models.BooleanField(_("published"), default=True)
    contact_email = models.EmailField(
        _("contact address"),
        blank=True,
        help_text=_(
            "The address participants write to about the programme (a course completed "
            "late, their certificate, their group). Shown on their pages."
        ),
    )
    attendance_threshold = models.PositiveSmallIntegerField(
        _("attendance threshold (%)"),
        default=75,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("The share of a session's scheduled time a person must attend."),
    )
    certificate_requires_post_test = models.BooleanField(
        _("the certificate requires the post-test"),
        default=False,
        help_text=_("Participants must also submit the post-test to earn the certificate."),
    )
    certificate_allows_late_completion = models.BooleanField(
        _("courses completed after their deadline count"),
        default=False,
        help_text=_("Otherwise a course completed after its deadline does not count."),
    )
    countries = models.ManyToManyField(
        Country, through="MemberCountry", related_name="programmes", verbose_name=_("countries")
    )

    title = Bilingual("title")
    subtitle = Bilingual("subtitle")
    description = Bilingual("description")
    general_objective = Bilingual("general_objective")
    methodology = Bilingual("methodology")
    participation = Bilingual("participation")

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["-start_date", "slug"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("programmes:detail", kwargs={"slug": self.slug})

    def clean(self):
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The programme cannot end before it starts.")})

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def interpretation_languages(self) -> list[str]:
        return [code.strip() for code in self.interpretation.split(",") if code.strip()]


class SpecificObjective(BilingualMixin):
    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="specific_objectives"
    )
    position = models.PositiveSmallIntegerField(_("order"))
    text_es = models.TextField(_("text (Spanish)"))
    text_en = models.TextField(_("text (English)"))

    text = Bilingual("text")

    class Meta:
        verbose_name = _("specific objective")
        verbose_name_plural = _("specific objectives")
        ordering = ["programme", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "position"], name="unique_objective_position"
            )
        ]

    def __str__(self):
        return self.text


class StructureRow(BilingualMixin):
    """A row of the programme's structure table: an activity and what it covers."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="structure")
    position = models.PositiveSmallIntegerField(_("order"))
    activity_es = models.CharField(_("activity (Spanish)"), max_length=300)
    activity_en = models.CharField(_("activity (English)"), max_length=300)
    content_es = models.TextField(_("content (Spanish)"))
    content_en = models.TextField(_("content (English)"))

    activity = Bilingual("activity")
    content = Bilingual("content")

    class Meta:
        verbose_name = _("structure row")
        verbose_name_plural = _("structure rows")
        ordering = ["programme", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "position"], name="unique_structure_position"
            )
        ]

    def __str__(self):
        return self.activity


class Organiser(BilingualMixin):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="organisers")
    code = models.SlugField(_("code"), max_length=40)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    name_es = models.CharField(_("name (Spanish)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    acronym_es = models.CharField(_("acronym (Spanish)"), max_length=20, blank=True)
    acronym_en = models.CharField(_("acronym (English)"), max_length=20, blank=True)
    role_es = models.TextField(_("role (Spanish)"), blank=True)
    role_en = models.TextField(_("role (English)"), blank=True)
    url = models.URLField(_("website"), blank=True)
    logo = models.ImageField(
        _("logo"),
        storage=private_storage,
        upload_to=SafeUploadTo("logos/", "logo"),
        validators=[FileCheck("UPLOAD_MAX_IMAGE_BYTES", ["png", "jpeg"])],
        blank=True,
        help_text=_("A PNG or JPEG image, shown on the certificates."),
    )

    name = Bilingual("name")
    acronym = Bilingual("acronym")
    role = Bilingual("role")

    class Meta:
        verbose_name = _("organiser")
        verbose_name_plural = _("organisers")
        ordering = ["programme", "position"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="unique_organiser_code")
        ]

    def __str__(self):
        return self.name


class MemberCountry(models.Model):
    """A country taking part in a programme, with how many people it may nominate."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="member_countries"
    )
    country = models.ForeignKey(
        Country, verbose_name=_("country"), on_delete=models.PROTECT, related_name="memberships"
    )
    quota = models.PositiveIntegerField(_("quota"), default=10)

    class Meta:
        verbose_name = _("member country")
        verbose_name_plural = _("member countries")
        ordering = ["programme", "country__code"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "country"], name="unique_member_country")
        ]

    def __str__(self):
        return f"{self.country} ({self.quota})"


class Profile(BilingualMixin):
    """A participant profile the programme recommends to the countries."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="profiles")
    code = models.SlugField(_("code"), max_length=60)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    name_es = models.CharField(_("name (Spanish)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300)

    name = Bilingual("name")

    class Meta:
        verbose_name = _("recommended profile")
        verbose_name_plural = _("recommended profiles")
        ordering = ["programme", "position"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="unique_profile_code")
        ]

    def __str__(self):
        return self.name


class Person(BilingualMixin):
    """Someone the programme names: a speaker, a facilitator, or a party still to be named.

    Not every person has an account; `user` links the one who does.
    """

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="people")
    key = models.SlugField(_("key"), max_length=80)
    name_es = models.CharField(_("name (Spanish)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300)
    position_es = models.CharField(_("position (Spanish)"), max_length=300, blank=True)
    position_en = models.CharField(_("position (English)"), max_length=300, blank=True)
    organisation_es = models.CharField(_("organisation (Spanish)"), max_length=300, blank=True)
    organisation_en = models.CharField(_("organisation (English)"), max_length=300, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="speaker_records",
    )

    name = Bilingual("name")
    position = Bilingual("position")
    organisation = Bilingual("organisation")

    class Meta:
        verbose_name = _("person in the agenda")
        verbose_name_plural = _("people in the agenda")
        ordering = ["programme", "name_es"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "key"], name="unique_person_key")
        ]

    def __str__(self):
        return self.name


class Course(BilingualMixin):
    """A self-paced online course on an external learning site."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="courses")
    code = models.SlugField(_("code"), max_length=60)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    title_es = models.CharField(_("title (Spanish)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300)
    provider_es = models.CharField(_("provider (Spanish)"), max_length=200)
    provider_en = models.CharField(_("provider (English)"), max_length=200)
    description_es = models.TextField(_("description (Spanish)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    url = models.URLField(_("link"), max_length=500)
    is_required = models.BooleanField(_("required"), default=True)
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    moodle_course = models.CharField(
        _("course on the learning site"),
        max_length=100,
        blank=True,
        help_text=_(
            "Its short name or its number (id) on the learning site (Moodle): completions are "
            "then read from the site's web services, without a file."
        ),
    )

    title = Bilingual("title")
    provider = Bilingual("provider")
    description = Bilingual("description")

    class Meta:
        verbose_name = _("online course")
        verbose_name_plural = _("online courses")
        ordering = ["programme", "position"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="unique_course_code")
        ]

    def __str__(self):
        return self.title


class Role(models.TextChoices):
    MANAGER = "manager", _("programme manager")
    FOCAL_POINT = "focal_point", _("country focal point")
    PARTICIPANT = "participant", _("participant")
    FACILITATOR = "facilitator", _("facilitator or speaker")
    OBSERVER = "observer", _("observer")


class Membership(models.Model):
    """A person's role in one programme; a focal point's and a participant's name a country."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    country = models.ForeignKey(
        Country, verbose_name=_("country"), on_delete=models.PROTECT, null=True, blank=True
    )
    organisation = models.CharField(_("organisation"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["programme", "role", "user"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "user", "role"], name="unique_membership_role"
            ),
            models.CheckConstraint(
                condition=~models.Q(role="focal_point") | models.Q(country__isnull=False),
                name="focal_point_has_country",
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.programme.slug}"

    def clean(self):
        if self.role == Role.FOCAL_POINT and not self.country_id:
            raise ValidationError({"country": _("Choose the country this focal point represents.")})

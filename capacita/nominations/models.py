from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from capacita.accounts.models import Language
from capacita.programmes.models import Country, Profile, Programme
from capacita.shared import text_limits as limits
from capacita.shared.text_limits import text_field


class Gender(models.TextChoices):
    WOMAN = "woman", _("Woman")
    MAN = "man", _("Man")
    NON_BINARY = "non_binary", _("Non-binary")
    ANOTHER = "another", _("Another identity")
    UNDISCLOSED = "undisclosed", _("Prefer not to say")


class Nomination(models.Model):
    """A person a country proposes for a programme, and the secretariat's decision on them."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("submitted")
        RESERVE = "reserve", _("reserve list")
        ACCEPTED = "accepted", _("accepted")
        REJECTED = "rejected", _("rejected")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="nominations")
    country = models.ForeignKey(
        Country, verbose_name=_("country"), on_delete=models.PROTECT, related_name="nominations"
    )
    first_name = models.CharField(_("first name(s)"), max_length=limits.NAME)
    last_name = models.CharField(_("surname(s)"), max_length=limits.NAME)
    position = models.CharField(_("position"), max_length=300)
    institution = models.CharField(_("institution"), max_length=300)
    email = models.EmailField(_("e-mail"))
    profile = models.ForeignKey(
        Profile, verbose_name=_("profile"), on_delete=models.RESTRICT, null=True, blank=True
    )
    profile_other = models.CharField(
        _("other profile"),
        max_length=300,
        blank=True,
        help_text=_("When none of the recommended profiles fits."),
    )
    gender = models.CharField(_("sex/gender"), max_length=20, choices=Gender.choices, blank=True)
    language = models.CharField(
        _("preferred language"), max_length=2, choices=Language.choices, default=Language.SPANISH
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decision_reason = text_field(_("reason"), limits.REASON, blank=True)
    over_quota = models.BooleanField(_("accepted over the quota"), default=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="nominations",
    )

    class Meta:
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        ordering = ["programme", "country", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                "programme", Lower("email"), name="unique_nomination_email_per_programme"
            )
        ]
        indexes = [models.Index(fields=["programme", "country", "status"])]

    def __str__(self):
        return f"{self.full_name} <{self.email}>"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def concerned_person(self):
        """Whom a decision on this nomination concerns, for its audit record: the nominee as
        the country named them, with their account once they have one."""
        return self.user, self.full_name, self.email

    @property
    def profile_label(self) -> str:
        if self.profile_id:
            return str(self.profile)
        return self.profile_other

    @property
    def is_decided(self) -> bool:
        """A focal point may change a nomination only until the secretariat decides on it."""
        return self.decided_at is not None

    @property
    def takes_a_place(self) -> bool:
        return self.status in (self.Status.SUBMITTED, self.Status.ACCEPTED)


class NominationUpload(models.Model):
    """A country's list as uploaded, kept until the focal point confirms its verdicts.

    The file itself is kept rather than its verdicts, so confirming checks it again against
    the list as it stands then.
    """

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="+")
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="+")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    filename = models.CharField(_("file name"), max_length=255)
    content = models.BinaryField(_("content"))
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    class Meta:
        verbose_name = _("uploaded list")
        verbose_name_plural = _("uploaded lists")
        ordering = ["-created_at"]

    def __str__(self):
        return self.filename

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from capacita.programmes.models import Programme
from capacita.shared import text_limits as limits
from capacita.shared.bilingual import Bilingual, BilingualMixin
from capacita.shared.storage import private_storage
from capacita.shared.text_limits import text_field
from capacita.shared.uploads import FileCheck, SafeUploadTo

from . import codes


class CertificateDesign(BilingualMixin):
    """What a programme's certificates say and in which language; managers adjust it."""

    class Languages(models.TextChoices):
        HOLDER = "holder", _("the holder's language")
        BOTH = "both", _("Spanish and English")

    programme = models.OneToOneField(
        Programme, on_delete=models.CASCADE, related_name="certificate_design"
    )
    languages = models.CharField(
        _("languages"), max_length=6, choices=Languages.choices, default=Languages.HOLDER
    )
    title_es = models.CharField(
        _("title (Spanish)"), max_length=200, default="Certificado de aprovechamiento"
    )
    title_en = models.CharField(
        _("title (English)"), max_length=200, default="Certificate of achievement"
    )
    body_es = text_field(
        _("text (Spanish)"),
        limits.CERTIFICATE_TEXT,
        default=(
            "por haber completado satisfactoriamente todas las actividades del {programme}, "
            "realizado en modalidad virtual {dates}, con una duración de {hours} horas."
        ),
        help_text=_(
            "The sentence under the holder's name. {programme}, {dates} and {hours} are "
            "replaced by the programme's title, dates and hours."
        ),
    )
    body_en = text_field(
        _("text (English)"),
        limits.CERTIFICATE_TEXT,
        default=(
            "for satisfactorily completing every activity of the {programme}, held online "
            "{dates}, {hours} hours in all."
        ),
        help_text=_(
            "The sentence under the holder's name. {programme}, {dates} and {hours} are "
            "replaced by the programme's title, dates and hours."
        ),
    )
    hours = models.PositiveSmallIntegerField(
        _("hours"),
        null=True,
        blank=True,
        help_text=_("Left empty: the scheduled hours of the virtual sessions."),
    )

    title = Bilingual("title")
    body = Bilingual("body")

    class Meta:
        verbose_name = _("certificate design")
        verbose_name_plural = _("certificate designs")

    def __str__(self):
        return str(self.programme)


class Signatory(BilingualMixin):
    """A person who signs the programme's certificates, with the image of their signature."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="signatories")
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.CharField(_("name"), max_length=200)
    job_title_es = models.CharField(_("position (Spanish)"), max_length=200)
    job_title_en = models.CharField(_("position (English)"), max_length=200)
    organisation_es = models.CharField(_("organisation (Spanish)"), max_length=200)
    organisation_en = models.CharField(_("organisation (English)"), max_length=200)
    signature = models.ImageField(
        _("signature"),
        storage=private_storage,
        upload_to=SafeUploadTo("signatures/", "signature"),
        validators=[FileCheck("UPLOAD_MAX_IMAGE_BYTES", ["png", "jpeg"])],
        blank=True,
        help_text=_("A PNG or JPEG image of the signature, on a white or clear background."),
    )

    job_title = Bilingual("job_title")
    organisation = Bilingual("organisation")

    class Meta:
        verbose_name = _("signatory")
        verbose_name_plural = _("signatories")
        ordering = ["programme", "position", "pk"]

    def __str__(self):
        return self.name


class Certificate(models.Model):
    class Status(models.TextChoices):
        VALID = "valid", _("valid")
        REVOKED = "revoked", _("revoked")
        REPLACED = "replaced", _("replaced")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="certificates")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="certificates"
    )
    code = models.CharField(_("verification code"), max_length=codes.LENGTH, unique=True)
    holder_name = models.CharField(_("name on the certificate"), max_length=limits.HOLDER_NAME)
    language = models.CharField(_("language"), max_length=4)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.VALID
    )
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issued by"),
    )
    by_hand = models.BooleanField(_("issued by hand"), default=False)
    reason = text_field(_("reason for issuing by hand"), limits.REASON, blank=True)
    ended_at = models.DateTimeField(_("revoked or replaced at"), null=True, blank=True)
    end_reason = text_field(_("reason for revoking or replacing"), limits.REASON, blank=True)
    replaced_by = models.OneToOneField(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="replaces",
        verbose_name=_("replaced by"),
    )
    pdf = models.FileField(_("PDF"), storage=private_storage, upload_to="certificates/")

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["programme", "holder_name"]
        constraints = [
            # Issuing twice creates no second certificate: one valid one per person.
            models.UniqueConstraint(
                fields=["programme", "user"],
                condition=Q(status="valid"),
                name="certificates_one_valid_per_person",
            )
        ]

    def __str__(self):
        return f"{self.holder_name} · {self.formatted_code}"

    @property
    def formatted_code(self) -> str:
        return codes.formatted(self.code)

    @property
    def is_valid(self) -> bool:
        return self.status == self.Status.VALID

    def get_verification_url(self) -> str:
        """The public verification page, in the active language."""
        return reverse("verification:verify", kwargs={"code": self.formatted_code})

    def verification_address(self) -> str:
        """The verification page's full address, in the certificate's language (the holder's
        when the certificate is in both): what its QR code holds."""
        language = self.user.language if self.language == "both" else self.language
        with translation.override(language or settings.LANGUAGE_CODE):
            return settings.SITE_URL.rstrip("/") + self.get_verification_url()


class FailedLookup(models.Model):
    """A look-up of a code that does not exist, by address: too many in a while get 429."""

    address = models.GenericIPAddressField()
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["address", "at"])]

    def __str__(self):
        return f"{self.address} · {self.at:%Y-%m-%d %H:%M}"


class ProgressRecord(models.Model):
    """A participant's standing with the certificate rule, kept as it changes.

    The services that change what it is worked out from (attendance, completions, the
    post-test, the programme's rule, sessions and courses, memberships) bring it up to date in
    their own transaction (`capacita.certificates.kept`), so that the managers' pages count and
    filter a programme of thousands in SQL. `capacita check_progress` works everything out again
    from the records and reports any difference."""

    membership = models.OneToOneField(
        "programmes.Membership", on_delete=models.CASCADE, related_name="progress_record"
    )
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sessions_attended = models.PositiveIntegerField(_("sessions attended"), default=0)
    courses_counted = models.PositiveIntegerField(
        _("required courses completed as the rule counts them"), default=0
    )
    post_test_submitted = models.BooleanField(_("post-test submitted"), default=False)
    complete = models.BooleanField(_("meets the rule"), default=False)

    class Meta:
        verbose_name = _("progress record")
        verbose_name_plural = _("progress records")
        indexes = [models.Index(fields=["programme", "complete"])]

    def __str__(self):
        return f"{self.membership_id} · {self.complete}"

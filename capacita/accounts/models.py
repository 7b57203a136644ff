from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from capacita.shared.bilingual import Language
from capacita.shared.written_apart import leaving
from capacita.shared.zones import validate_time_zone


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An account needs an e-mail address.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """A person with an account. The e-mail address is the login, compared without case."""

    email = models.EmailField(_("e-mail"), unique=True)
    first_name = models.CharField(_("first name(s)"), max_length=150)
    last_name = models.CharField(_("surname(s)"), max_length=150)
    language = models.CharField(
        _("preferred language"), max_length=2, choices=Language.choices, default=Language.SPANISH
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        blank=True,
        validators=[validate_time_zone],
        help_text=_("Leave empty to use your country's time zone."),
    )
    country = models.ForeignKey(
        "countries.Country",
        verbose_name=_("country"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    wants_reminders = models.BooleanField(
        _("e-mail reminders"),
        default=True,
        help_text=_("Reminders the day before each session and before course deadlines."),
    )
    is_staff = models.BooleanField(
        _("staff status"),
        default=False,
        help_text=_("Designates whether the user can log into the administration site."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    # Moves on whenever something this person's own page shows changes (their attendance,
    # courses, tests, certificate, roles: `capacita.programmes.events.pages_changed`): the
    # page kept rendered for them (`capacita.progress.kept_pages`) is named by it.
    page_stamp = models.PositiveBigIntegerField(default=0, editable=False)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["first_name", "last_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["last_name", "first_name"]

    def __str__(self):
        return self.get_full_name() or self.email

    def save(self, *args, **kwargs):
        # Moved on by `pages_changed` alone: an account saved from memory leaves it as it is
        # (an older number would name a page kept before the change).
        super().save(*args, **leaving(self, ("page_stamp",), kwargs))

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self) -> str:
        return self.first_name

    @property
    def preferred_time_zone(self) -> str:
        """The zone this person sees times in: their own choice, else their country's."""
        if self.time_zone:
            return self.time_zone
        if self.country_id:
            return self.country.time_zone
        return ""


class PasswordResetRequest(models.Model):
    """A request for a password reset link, by address: too many in a while get 429."""

    address = models.GenericIPAddressField()
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["address", "at"])]

    def __str__(self):
        return f"{self.address} · {self.at:%Y-%m-%d %H:%M}"

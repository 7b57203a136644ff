"""Content that users read comes in Spanish and English: `title_es` and `title_en` columns.

`Bilingual("title")` on a model reads the column of the active language, falling back to
the other one, so templates write `{{ programme.title }}`.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

LANGUAGE_CODES = ("es", "en")


class Language(models.TextChoices):
    """The languages a person reads Capacita in."""

    SPANISH = "es", _("Spanish")
    ENGLISH = "en", _("English")


def active_language() -> str:
    code = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return code if code in LANGUAGE_CODES else settings.LANGUAGE_CODE


class Bilingual:
    """A read-only attribute giving a bilingual field's text in the active language."""

    def __init__(self, field: str):
        self.field = field

    def __set_name__(self, owner, name):
        self.name = name

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        return instance.in_language(self.field, active_language())


class BilingualMixin(models.Model):
    class Meta:
        abstract = True

    def in_language(self, field: str, language: str) -> str:
        """The text of `field` in `language`, or in the other language when it is empty."""
        value = getattr(self, f"{field}_{language}", "")
        if value:
            return value
        for other in LANGUAGE_CODES:
            value = getattr(self, f"{field}_{other}", "")
            if value:
                return value
        return ""


def bilingual_fieldset_row(*fields: str) -> tuple:
    """Admin rows that put each field's Spanish and English columns side by side."""
    return tuple((f"{field}_es", f"{field}_en") for field in fields)

"""How much a person may type into each kind of text, in one place.

Every text typed is stored, shown to others and, for some, printed into a PDF (the plenary
of a session's group work, the final balance). Without a limit one participant could save
megabytes per answer and make each download of the plenary cost a minute of a server's CPU.
What a PDF costs grows with the lines WeasyPrint lays out, so the longest texts that reach
a PDF are limited in lines as well as in characters. `bench/bench_pdf_worst_case.py` prints
what each PDF costs with every text at these limits; `tests/groupwork/test_pdf_worst_case.py`
renders the same worst case.

Where each limit holds:

- models: `text_field()`, a `TextField` with its `max_length` for the forms made from it
  and a `TextLimit` among its validators (Django's `TextField` passes `max_length` to forms
  only): the model refuses through `full_clean`, as in the administration site;
- forms: `TypedText`, a text field with the same limit and message;
- the services and views that take a text without a form: `refusal()`, which applies a
  model field's own limit and says what was refused.

Characters are counted as a browser counts them for a text area's `maxlength`: a line break
is one character, though the browser sends it as two ("\\r\\n").
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.deconstruct import deconstructible
from django.utils.formats import number_format
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy

# --- What participants, focal points and managers type -----------------------------------

NAME = 150  # a first name or a surname (accounts, nominations)
HOLDER_NAME = 2 * NAME + 1  # the name on a certificate: first names, a space, surnames
FACTOR_NAME = 200  # a group's own factor in a vulnerability assessment
FACTOR_NOTE = 500  # the note on a factor (printed inline in the plenary's matrix)
FACTORS_PER_ASSESSMENT = 40  # factors in one group's assessment (the catalogue has 30)
ASSESSMENT_TEXT, ASSESSMENT_LINES = 5_000, 100  # a group's needs; its services and referrals
GROUP_ANSWER, GROUP_ANSWER_LINES = 10_000, 200  # a group's shared answer to one question
GROUP_ANSWER_VERSIONS = 20  # the latest versions kept of each shared answer
TEST_ANSWER = 5_000  # a written answer in a pre-test or post-test
REASON = 2_000  # the reason for a decision on a person (the forms of hand marks say 2,000)
MESSAGE = 2_000  # a message to the programme's managers (a request to remove one's data)
NARRATIVE, NARRATIVE_LINES = 10_000, 300  # the balance's recommendations; its lessons learned

# --- What managers write into a programme's group work, tests and certificates -------------

QUESTION = 1_000  # a question of a test, of a group or on a case
INSTRUCTIONS = 5_000  # a group's task, a test's introduction
CASE_STORY = 20_000  # a case study's story
PROGRAMME_TEXT = 10_000  # a programme's description, objective, methodology, participation
CERTIFICATE_TEXT = 1_000  # the sentence under the holder's name on a certificate


def char_count(text: str) -> int:
    """The characters of `text` as a browser counts them: a line break ("\\r\\n") is one."""
    return len(text) - text.count("\r\n")


def line_count(text: str) -> int:
    """The lines of `text` as they are printed: every kind of line break starts one."""
    return len(text.splitlines())


def _grouped(number: int) -> str:
    return number_format(number, force_grouping=True)


@deconstructible
class TextLimit:
    """A validator refusing a text of more than `chars` characters, or of more than `lines`
    lines when `lines` is given (the texts printed into PDFs)."""

    messages = {
        "max_length": gettext_lazy(
            "At most %(limit)s characters, please: this text has %(length)s."
        ),
        "max_lines": gettext_lazy("At most %(limit)s lines, please: this text has %(length)s."),
    }
    refusals = {
        "max_length": gettext_lazy(
            "%(what)s: at most %(limit)s characters, and this text has %(length)s. "
            "Nothing was saved."
        ),
        "max_lines": gettext_lazy(
            "%(what)s: at most %(limit)s lines, and this text has %(length)s. Nothing was saved."
        ),
    }

    def __init__(self, chars: int, lines: int | None = None):
        self.chars = chars
        self.lines = lines

    def excess(self, text) -> tuple[str, dict] | None:
        """What is over the limit in `text` (the code and the figures), or None."""
        if not isinstance(text, str):
            return None
        if char_count(text) > self.chars:
            return "max_length", {
                "limit": _grouped(self.chars),
                "length": _grouped(char_count(text)),
            }
        if self.lines is not None and line_count(text) > self.lines:
            return "max_lines", {
                "limit": _grouped(self.lines),
                "length": _grouped(line_count(text)),
            }
        return None

    def __call__(self, text) -> None:
        excess = self.excess(text)
        if excess is not None:
            code, figures = excess
            raise ValidationError(self.messages[code], code=code, params=figures)

    def refusal(self, text, what: str) -> str | None:
        """The message refusing `text` as `what` ("The reason"), or None when it fits."""
        excess = self.excess(text)
        if excess is None:
            return None
        code, figures = excess
        return self.refusals[code] % {"what": what, **figures}

    def __eq__(self, other):
        return isinstance(other, TextLimit) and vars(self) == vars(other)

    def __hash__(self):
        return hash((self.chars, self.lines))


def limit_of(model, field_name: str) -> TextLimit:
    """The `TextLimit` of a model's field."""
    field = model._meta.get_field(field_name)
    for validator in field.validators:
        if isinstance(validator, TextLimit):
            return validator
    raise LookupError(f"{model._meta.label}.{field_name} has no TextLimit")


def refusal(model, field_name: str, text: str, what=None) -> str | None:
    """Why `text` cannot be saved into `model.field_name` (too long, too many lines), naming
    it as `what` or by the field's name; None when it fits. For the services and views that
    take a text without a form: they raise or show this message and save nothing."""
    what = what or capfirst(model._meta.get_field(field_name).verbose_name)
    return limit_of(model, field_name).refusal(text, str(what))


class TypedText(forms.CharField):
    """A text typed into a text area, refused beyond `max_length` characters (and
    `max_lines` lines) with the message of `TextLimit`; the browser is told the same limit.
    The text is kept as typed."""

    widget = forms.Textarea

    def __init__(self, *, max_length: int, max_lines: int | None = None, **kwargs):
        self.limit = TextLimit(max_length, max_lines)
        kwargs["validators"] = [*kwargs.get("validators", ()), self.limit]
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if not widget.is_hidden:
            attrs["maxlength"] = str(self.limit.chars)
        return attrs


def typed_refusal(form, name: str, what) -> str | None:
    """For a view that shows a form's errors as messages: the refusal of the form's text
    `name` (a `TypedText`), worded as `refusal` words it, when it is over its limit."""
    field = form.fields[name]
    return field.limit.refusal(field.to_python(form[name].data), str(what))


def text_field(verbose_name, chars: int, lines: int | None = None, **options) -> models.TextField:
    """A model's text of at most `chars` characters (and `lines` lines) that the model itself
    refuses beyond them: Django's `TextField` passes its `max_length` to forms only."""
    # Written as migrations write it: TextLimit(5000), TextLimit(5000, 100).
    limit = TextLimit(chars) if lines is None else TextLimit(chars, lines)
    return models.TextField(verbose_name, max_length=chars, validators=[limit], **options)

"""The hand-marking forms' widgets write their HTML without a template: the same markup as
Django's own widgets, bound or not, with errors, help and every attribute."""

from __future__ import annotations

import re

import pytest
from django import forms
from django.utils import translation

from capacita.attendance.forms import MarkForm as AttendanceMark
from capacita.attendance.forms import UnmarkForm as AttendanceUnmark
from capacita.attendance.forms import UnmatchForm
from capacita.completions.forms import MarkForm as CompletionMark
from capacita.completions.forms import UnmarkForm as CompletionUnmark
from capacita.shared import quick_widgets

STANDARD = {
    quick_widgets.QuickHiddenInput: forms.HiddenInput,
    quick_widgets.QuickDateTimeInput: forms.DateTimeInput,
    quick_widgets.QuickSelect: forms.Select,
    quick_widgets.QuickTextarea: forms.Textarea,
}


def _tags(html: str) -> str:
    """The markup with the whitespace between tags left out (the templates' line breaks)."""
    return re.sub(r">\s+<", "><", str(html)).strip()


def _as_standard(form: forms.Form) -> forms.Form:
    """The same form with Django's own widget in place of each quick one."""
    for field in form.fields.values():
        quick = type(field.widget)
        if quick in STANDARD:
            standard = STANDARD[quick].__new__(STANDARD[quick])
            standard.__dict__ = dict(field.widget.__dict__)
            field.widget = standard
    return form


FORMS = [AttendanceMark, AttendanceUnmark, UnmatchForm, CompletionMark, CompletionUnmark]
DATA = [
    {},  # unbound, as on every row
    {"user": "7", "match": "3", "status": "excused", "completed": "yes", "reason": "<b>x</b>"},
    {"user": "x", "completed": "no", "completed_at": "2021-06-01T10:00", "reason": ""},
]


@pytest.mark.parametrize("form_class", FORMS)
@pytest.mark.parametrize("data", DATA)
def test_the_quick_widgets_write_what_djangos_own_write(form_class, data):
    with translation.override("es"):
        quick = form_class(
            data or None,
            auto_id="id_mark_7_%s",
            initial={"user": 7, "match": 3, "status": "present", "completed": "no"},
        )
        standard = _as_standard(
            form_class(
                data or None,
                auto_id="id_mark_7_%s",
                initial={"user": 7, "match": 3, "status": "present", "completed": "no"},
            )
        )
        assert any(type(f.widget) in STANDARD for f in quick.fields.values())
        for name in quick.fields:
            assert _tags(quick[name]) == _tags(standard[name]), name

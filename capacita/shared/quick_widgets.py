"""Widgets that write their HTML directly, without a template: the markup of Django's own
(`django/forms/widgets/*.html`), for the forms repeated on every row of a page of a hundred
people (the hand marks), where rendering a template per field and per option was most of the
page's time."""

from __future__ import annotations

from django import forms
from django.utils.html import format_html, format_html_join


def _text(value) -> str:
    """A value as the templates write it (`stringformat:'s'`)."""
    return "%s" % (value,)  # noqa: UP031 - the templates' own conversion


def _attrs(attrs: dict) -> str:
    """`django/forms/widgets/attrs.html`: in their order, a true one by its name alone, a false
    one left out."""
    return format_html_join(
        "",
        "{}",
        (
            (
                format_html(" {}", name)
                if value is True
                else format_html(' {}="{}"', name, _text(value)),
            )
            for name, value in attrs.items()
            if value is not False
        ),
    )


def _input(widget: forms.Widget, name, value, attrs) -> str:
    """`django/forms/widgets/input.html`."""
    context = widget.get_context(name, value, attrs)["widget"]
    if context["value"] is None:
        return format_html(
            '<input type="{}" name="{}"{}>', context["type"], name, _attrs(context["attrs"])
        )
    return format_html(
        '<input type="{}" name="{}" value="{}"{}>',
        context["type"],
        name,
        _text(context["value"]),
        _attrs(context["attrs"]),
    )


class QuickHiddenInput(forms.HiddenInput):
    def render(self, name, value, attrs=None, renderer=None):
        return _input(self, name, value, attrs)


class QuickDateTimeInput(forms.DateTimeInput):
    def render(self, name, value, attrs=None, renderer=None):
        return _input(self, name, value, attrs)


class QuickSelect(forms.Select):
    """`django/forms/widgets/select.html`, for choices without groups."""

    def render(self, name, value, attrs=None, renderer=None):
        context = self.get_context(name, value, attrs)["widget"]
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (_text(option["value"]), _attrs(option["attrs"]), option["label"])
                for _group, group_options, _index in context["optgroups"]
                for option in group_options
            ),
        )
        return format_html(
            '<select name="{}"{}>{}</select>', name, _attrs(context["attrs"]), options
        )


class QuickTextarea(forms.Textarea):
    """`django/forms/widgets/textarea.html`."""

    def render(self, name, value, attrs=None, renderer=None):
        context = self.get_context(name, value, attrs)["widget"]
        return format_html(
            '<textarea name="{}"{}>\n{}</textarea>',
            name,
            _attrs(context["attrs"]),
            context["value"] or "",
        )

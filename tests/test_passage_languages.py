"""The language of each bilingual passage is declared (WCAG 2.2, 3.1.2 Language of Parts).

A text that must be written (a title, a question, a name) is required in both languages, by
the models (so in the admin) and by the programme file: no page can show it in the other
language. A text that may be left out (a subtitle, a description, a person's position) may
be written in one language only; a page in the other language then shows it as written,
and its element must say which language that is.

The check goes over every page of the access matrix that each role reaches, after writing
every optional text of the demo in one language only (the demo's own text, or a made-up one
where the demo has none), and fails on any such text found outside an element whose `lang`
is that language. Attribute values and the document's title are not checked: a part of them
cannot carry its own language.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.apps import apps

from capacita.shared.bilingual import LANGUAGE_CODES, BilingualMixin

from .conftest import ROLES
from .pages import matrix_pages, rendered_pages

pytestmark = pytest.mark.django_db

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}
NOT_READ = {"script", "style", "title", "template"}
# Made-up texts for optional fields the demo leaves empty, plainly in each language.
MADE_UP = {
    "es": "Texto escrito solo en español para {model} {pk} ({field})",
    "en": "Text written in English only for {model} {pk} ({field})",
}


def bilingual_pairs() -> list[tuple[type, str, bool]]:
    """(model, field, optional) for every bilingual text of the project."""
    pairs = []
    for model in apps.get_models():
        if not issubclass(model, BilingualMixin):
            continue
        for field in model._meta.fields:
            if field.name.endswith("_es"):
                base = field.name[:-3]
                pairs.append((model, base, field.blank))
    return pairs


def test_every_text_is_required_in_both_languages_or_in_neither():
    pairs = bilingual_pairs()
    assert len(pairs) > 30
    for model, base, optional in pairs:
        other = model._meta.get_field(f"{base}_en")
        assert other.blank == optional, f"{model.__name__}.{base}: one language required only"


def write_optional_texts_in(language: str) -> list[str]:
    """Every optional text of the demo written in `language` only; the texts, as written."""
    other = next(code for code in LANGUAGE_CODES if code != language)
    written = []
    for model, base, optional in bilingual_pairs():
        if not optional:
            continue
        changed = []
        for obj in model.objects.all():
            text = getattr(obj, f"{base}_{language}") or MADE_UP[language].format(
                model=model._meta.verbose_name, pk=obj.pk, field=base
            )
            setattr(obj, f"{base}_{language}", text)
            setattr(obj, f"{base}_{other}", "")
            changed.append(obj)
            written.append(text)
        model.objects.bulk_update(changed, [f"{base}_{language}", f"{base}_{other}"])
    return written


class TextLanguages(HTMLParser):
    """Each piece of text of a page with the language its elements declare."""

    def __init__(self):
        super().__init__()
        self.stack: list[tuple[str, str | None]] = []
        self.texts: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            self.stack.append((tag, dict(attrs).get("lang")))

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, -1, -1):
            if self.stack[depth][0] == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data):
        text = " ".join(data.split())
        if not text or any(tag in NOT_READ for tag, _lang in self.stack):
            return
        declared = next((lang for _tag, lang in reversed(self.stack) if lang), "")
        self.texts.append((text, declared.split("-")[0]))


def undeclared(html: str, written: list[str], language: str) -> list[str]:
    """The texts of the page that hold a passage in `language` without declaring it."""
    parser = TextLanguages()
    parser.feed(html)
    passages = [" ".join(text.split()) for text in written]
    pieces = [piece.strip() for text in passages for piece in re.split(r"\n\s*\n", text)]
    patterns = [re.compile(r"(?<!\w)" + re.escape(p) + r"(?!\w)") for p in pieces if p]
    found = []
    for text, declared in parser.texts:
        if declared == language:
            continue
        part_of_one = len(text) >= 12 and any(text in passage for passage in passages)
        if part_of_one or any(pattern.search(text) for pattern in patterns):
            found.append(text)
    return found


@pytest.mark.sweep
@pytest.mark.parametrize("language", ["es", "en"])
@pytest.mark.parametrize("role", ROLES)
def test_a_text_written_in_one_language_only_says_so_on_every_page(
    role, language, client_as, programme
):
    written_in = "en" if language == "es" else "es"
    written = write_optional_texts_in(written_in)
    client = client_as(None if role == "anonymous" else role)
    report = []
    for url, html in rendered_pages(client, matrix_pages(role, programme), language):
        for text in undeclared(html, written, written_in):
            report.append(f"{url}: {text[:90]!r}")
    assert report == [], f"texts in {written_in} not declared so:\n" + "\n".join(report)


def test_the_check_finds_an_undeclared_passage_and_accepts_a_declared_one():
    written = ["Texto escrito solo en español", "OIM"]
    html = (
        '<html lang="en"><body><p>Texto escrito solo en español</p>'
        "<p>Organisation (OIM)</p>"
        '<p lang="es">Texto escrito solo en español</p><span lang="es">OIM</span>'
        "<p>Boiming</p><title>OIM</title></body></html>"
    )
    assert undeclared(html, written, "es") == [
        "Texto escrito solo en español",
        "Organisation (OIM)",
    ]

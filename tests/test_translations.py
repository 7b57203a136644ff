"""The interface catalogues: complete, faithful to their placeholders, compiled, up to date
with the source, and in use on the pages."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import polib
import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "capacita"
LANGUAGES = ["es", "en"]
GETTEXT_TOOLS = ["xgettext", "msguniq", "msgmerge"]

# `%(name)s`, `%s`, `%d`, `%%`… in python-format entries; HTML tags such as <strong> in all.
FORMAT_RE = re.compile(r"%(?:\([^)]+\))?[-#0+]*\d*(?:\.\d+)?[sdifeEgGxXocr]|%%")
TAG_RE = re.compile(r"</?[a-zA-Z][^>]*>")


def po_path(lang: str) -> Path:
    return PACKAGE / "locale" / lang / "LC_MESSAGES" / "django.po"


def load_po(lang: str) -> polib.POFile:
    return polib.pofile(str(po_path(lang)))


def placeholders(text: str, python_format: bool = True) -> Counter:
    found = TAG_RE.findall(text)
    if python_format:
        found += FORMAT_RE.findall(text)
    return Counter(found)


def key(entry) -> tuple[str | None, str, str]:
    return (entry.msgctxt, entry.msgid, entry.msgid_plural or "")


def nplurals(po: polib.POFile) -> int:
    match = re.search(r"nplurals\s*=\s*(\d+)", po.metadata.get("Plural-Forms", ""))
    assert match, "the catalogue's header has no Plural-Forms"
    return int(match[1])


def live_entries(po: polib.POFile) -> list[polib.POEntry]:
    return [entry for entry in po if not entry.obsolete]


def require_gettext_tools() -> None:
    """Skip on a developer's machine without GNU gettext; fail on CI, where it must be."""
    missing = [tool for tool in GETTEXT_TOOLS if shutil.which(tool) is None]
    if not missing:
        return
    reason = (
        f"GNU gettext is not installed ({', '.join(missing)} not found): cannot regenerate "
        "the catalogue with makemessages to compare it with the source"
    )
    if os.environ.get("CI") or os.environ.get("CAPACITA_REQUIRE_BROWSER"):
        pytest.fail(reason)
    pytest.skip(reason)


# --- The catalogues themselves --------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_catalogue_header_names_its_language_and_is_not_fuzzy(lang):
    po = load_po(lang)
    assert not po.metadata_is_fuzzy, f"{po_path(lang)}: the header is still marked fuzzy"
    assert po.metadata.get("Language") == lang
    assert po.metadata.get("Project-Id-Version") == "Capacita"
    assert po.metadata.get("Last-Translator") == "Capacita developers"
    assert "LANGUAGE" not in po.metadata.get("Language-Team", "LANGUAGE")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_entry_is_translated_and_none_is_fuzzy(lang):
    po = load_po(lang)
    forms = nplurals(po)
    entries = live_entries(po)
    assert entries, f"{po_path(lang)} has no entries"
    problems = []
    for entry in entries:
        if entry.fuzzy:
            problems.append(f"fuzzy: {entry.msgid!r}")
        if entry.msgid_plural:
            got = sorted(entry.msgstr_plural)
            if got != list(range(forms)):
                problems.append(f"plural forms {got}, expected 0..{forms - 1}: {entry.msgid!r}")
            if any(not text.strip() for text in entry.msgstr_plural.values()):
                problems.append(f"empty plural form: {entry.msgid!r}")
        elif not entry.msgstr.strip():
            problems.append(f"untranslated: {entry.msgid!r}")
    assert not problems, f"{po_path(lang)}:\n" + "\n".join(problems)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_translations_keep_the_placeholders_and_tags_of_the_source(lang):
    problems = []
    for entry in live_entries(load_po(lang)):
        python_format = "python-format" in entry.flags

        def found(text: str, python_format=python_format) -> Counter:
            return placeholders(text, python_format)

        if entry.msgid_plural:
            # The singular form may leave the count out ("una hora"); no form may add a
            # placeholder, and the other forms keep all those of the plural.
            allowed = found(entry.msgid) | found(entry.msgid_plural)
            for n, text in sorted(entry.msgstr_plural.items()):
                if found(text) - allowed or (n > 0 and found(text) != found(entry.msgid_plural)):
                    problems.append(f"{entry.msgid_plural!r}[{n}] → {text!r}")
        elif found(entry.msgstr) != found(entry.msgid):
            problems.append(
                f"{entry.msgid!r} → {entry.msgstr!r}: {sorted(found(entry.msgid).elements())} ≠ "
                f"{sorted(found(entry.msgstr).elements())}"
            )
    assert not problems, f"{po_path(lang)}: placeholders differ:\n" + "\n".join(problems)


def test_the_placeholder_check_sees_names_tags_and_positional_formats():
    found = placeholders("<strong>%(zone)s</strong> %s %d 100%% <a href='x'>")
    assert sorted(found.elements()) == sorted(
        ["<strong>", "</strong>", "%(zone)s", "%s", "%d", "%%", "<a href='x'>"]
    )
    assert placeholders("“%(value)s” is not a date") != placeholders("“%(valor)s” no es una fecha")
    assert placeholders("3,6% de la población", python_format=False) == Counter()


def test_both_catalogues_hold_the_same_strings():
    es = {key(entry) for entry in live_entries(load_po("es"))}
    en = {key(entry) for entry in live_entries(load_po("en"))}
    assert sorted(es - en, key=str) == [], "in the Spanish catalogue only"
    assert sorted(en - es, key=str) == [], "in the English catalogue only"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_compiled_catalogue_matches_the_po_file(lang):
    """A .po edited without running `capacita compilemessages` leaves a stale .mo."""
    mo_path = po_path(lang).with_suffix(".mo")
    assert mo_path.exists(), f"{mo_path} is missing: run `capacita compilemessages`"
    po = load_po(lang)
    mo = polib.mofile(str(mo_path))

    def translations(catalogue, *, from_po: bool) -> dict:
        result = {}
        for entry in catalogue:
            if not entry.msgid or entry.obsolete:
                continue  # the header
            if from_po and (entry.fuzzy or not entry.translated()):
                continue  # msgfmt leaves these out
            value = dict(entry.msgstr_plural) if entry.msgid_plural else entry.msgstr
            result[key(entry)] = value
        return result

    expected = translations(po, from_po=True)
    compiled = translations(mo, from_po=False)
    stale = sorted(
        k for k in expected.keys() | compiled.keys() if expected.get(k) != compiled.get(k)
    )
    assert not stale, (
        f"{mo_path} does not match {po_path(lang).name}; run `capacita compilemessages`. "
        f"Differing entries: {[msgid for _ctxt, msgid, _plural in stale]}"
    )
    assert mo.metadata.get("Language") == lang


# --- Up to date with the source ---------------------------------------------------------------


@pytest.fixture(scope="module")
def regenerated_catalogue(tmp_path_factory) -> polib.POFile:
    """The Spanish catalogue as `makemessages` makes it now from a copy of the source."""
    require_gettext_tools()
    root = tmp_path_factory.mktemp("source")
    copy = root / "capacita"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    env = {
        **os.environ,
        # The copy comes first on the path, so its settings (and LOCALE_PATHS) are the ones
        # used: makemessages writes into the copy, never into the working tree.
        "PYTHONPATH": os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")])),
        "DJANGO_SETTINGS_MODULE": "capacita.settings",
        "CAPACITA_VAR_DIR": str(root / "var"),
    }
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "django",
            "makemessages",
            "--locale",
            "es",
            "--no-obsolete",
            "--no-location",
        ],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, f"makemessages failed:\n{result.stdout}\n{result.stderr}"
    regenerated = copy / "locale" / "es" / "LC_MESSAGES" / "django.po"
    assert regenerated.exists(), f"makemessages wrote no catalogue in the copy:\n{result.stdout}"
    return polib.pofile(str(regenerated))


def test_the_catalogue_has_every_string_of_the_source(regenerated_catalogue):
    committed = {key(entry) for entry in live_entries(load_po("es"))}
    current = {key(entry) for entry in live_entries(regenerated_catalogue)}
    missing = sorted(current - committed, key=str)
    assert not missing, (
        "strings in the code that the catalogues lack; run `capacita makemessages --locale es "
        "--locale en --no-obsolete --no-location` in capacita/, translate them and run "
        "`capacita compilemessages`:\n" + "\n".join(repr(msgid) for _c, msgid, _p in missing)
    )


def test_the_catalogue_has_no_string_the_source_dropped(regenerated_catalogue):
    committed = {key(entry) for entry in live_entries(load_po("es"))}
    current = {key(entry) for entry in live_entries(regenerated_catalogue)}
    dropped = sorted(committed - current, key=str)
    assert not dropped, (
        "strings in the catalogues that the code no longer has; run `capacita makemessages` "
        "(see above):\n" + "\n".join(repr(msgid) for _c, msgid, _p in dropped)
    )


# --- In use on the pages ----------------------------------------------------------------------


def get(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, url
    return response.content.decode()


def test_the_spanish_programme_page_has_its_interface_in_spanish(client, demo):
    content = get(client, "/es/programmes/crm-2021/")
    assert '<html lang="es">' in content
    for spanish in (
        '<a href="#courses">Cursos en línea</a>',
        '<h2 id="courses">Cursos en línea</h2>',
        '<label for="tz">Mostrar las horas en</label>',
        "Las horas se muestran en la zona horaria del programa, "
        "<strong>hora de Ciudad de México</strong>.",
        "Agregar las sesiones al calendario (.ics)",
        "Sesión virtual 1",
        "Iniciar sesión",
        "Países miembros y plazas",
    ):
        assert spanish in content
    for english in ("Online courses", "Show times in", "Virtual session", "Log in"):
        assert english not in content


def test_the_spanish_agenda_names_the_programme_time_beside_the_viewers(client, demo):
    content = get(client, "/es/programmes/crm-2021/?tz=America/Santo_Domingo")
    assert (
        "Las horas se muestran en su zona horaria, <strong>hora de Santo Domingo</strong>."
        in content
    )
    # Passes once var/po/times.po is merged into the Spanish catalogue.
    assert "Hora del programa, Ciudad de México" in content
    assert "su hora, Santo Domingo" in content
    assert "programme time" not in content.lower()


def test_the_english_programme_page_has_its_interface_in_english(client, demo):
    content = get(client, "/en/programmes/crm-2021/")
    assert '<html lang="en">' in content
    assert '<h2 id="courses">Online courses</h2>' in content
    assert '<label for="tz">Show times in</label>' in content
    assert "Cursos en línea" not in content


def test_the_spanish_404_page_is_in_spanish(client, db):
    content = get(client, "/es/no-such-page/", status=404)
    assert "<h1>Página no encontrada</h1>" in content
    assert "La página solicitada no existe" in content
    assert "Page not found" not in content

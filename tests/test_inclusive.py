"""Inclusive language, an optional and inclusive sex/gender field, and names shown whole.

The programme is rights-based and gender-sensitive, and its concept note writes “las
personas consejeras”, “las personas participantes”: the Spanish interface and the Spanish
content of the programme files follow it, with no generic masculine for people. The
sex/gender of a nominee is optional everywhere it is asked, offers more than two options in
both languages, and the figures broken down by it show every option and “not given”. A
name of any length and script is shown whole wherever it appears.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import polib
import pypdf
import pytest
import yaml
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from capacita.certificates.models import Certificate
from capacita.certificates.pdf import render_certificate
from capacita.evaluation.report import evaluation_report
from capacita.nominations.forms import NominationForm
from capacita.nominations.models import Gender, Nomination
from capacita.nominations.spreadsheets import TEMPLATE_GENDERS
from capacita.nominations.verdicts import GENDER_WORDS, _choice
from capacita.programmes.models import Country, Membership, Role
from capacita.reports.figures import nominations as nomination_figures
from tests.certificates.issued import issued_certificate
from tests.factories import NominationFactory, ProgrammeFactory, UserFactory

PACKAGE = Path(__file__).resolve().parents[1] / "capacita"
SPANISH_CATALOGUE = PACKAGE / "locale" / "es" / "LC_MESSAGES" / "django.po"
ENGLISH_CATALOGUE = PACKAGE / "locale" / "en" / "LC_MESSAGES" / "django.po"
# The programme files: the programme itself, its tests, its group work, its case.
DATA_FILES = sorted(PACKAGE.glob("*/data/*.yaml"))

# --- Inclusive wording ----------------------------------------------------------------------

# Nouns and adjectives for people whose masculine form is used as a generic; their
# inclusive forms (“persona usuaria”, “personas consejeras”, “personas trabajadoras”,
# “le damos la bienvenida”) do not match.
_MASCULINE_WORDS = (
    "usuarios?",
    "consejer[oa]s?",  # “consejera(s)” is fine after “persona(s)”: see _PERSONA_BEFORE
    "facilitador(?:es)?",
    "observador(?:es)?",
    "administrador(?:es)?",
    "gestor(?:es)?",
    "coordinador(?:es)?",
    "trabajador(?:es)?",
    "empleador(?:es)?",
    "inspector(?:es)?",
    "asesor(?:es)?",
    "funcionarios?",
    "expertos?",
    "candidatos?",
    "alumnos?",
    "beneficiarios?",
    "interesados?",
    "nominados?",
    "postulados?",
    "invitados?",
    "intermediarios?",
    "ciudadanos?",
    "bienvenidos?",
    "bienvenidas",
    "estimad[oa]s?",
    "querid[oa]s?",
    "señor(?:es)?",
)
# Epicene nouns (“participantes”, “migrantes”…) are fine alone; a masculine article or
# determiner before them makes them a generic masculine.
_EPICENE = (
    "participantes?|postulantes?|representantes?|ponentes?|migrantes?|integrantes?"
    "|titulares?|especialistas?|asistentes?|docentes?|estudiantes?"
)
_MASCULINE_DETERMINERS = (
    "los|el|del|al|un|unos|este|estos|ese|esos|aquel|aquellos|todos los|muchos|algunos"
    "|varios|pocos|otros|nuestros|ningún"
)
GENDERED_PATTERNS = [
    re.compile(rf"\b(?:{_MASCULINE_DETERMINERS})\s+(?:{_EPICENE})\b", re.IGNORECASE),
    re.compile(rf"\b(?:{'|'.join(_MASCULINE_WORDS)})\b", re.IGNORECASE),
    # Slashed doublets (“Estimado/a”, “los/las”): the concept note writes around them.
    re.compile(r"\b\w+(?:o|os|e|es)/(?:a|as|la|las)\b", re.IGNORECASE),
]
# Feminine forms that are the inclusive ones after “persona(s)”: “personas consejeras”,
# “persona observadora”; the same words alone are still checked above.
_PERSONA_BEFORE = re.compile(r"\bpersonas?\s+(?:\w+\s+)?$", re.IGNORECASE)

# What stays because it names something else than a group of people, or quotes another
# product's own interface so that the reader can find it there.
ALLOWED = (
    "Mostrar usuarios únicos",  # Zoom's own label, in its Spanish interface
    "“usuarios únicos”",  # the name of that Zoom report
    "“Subir usuarios”",  # Moodle's tool, as its Spanish interface names it
    "Usuarios › Subir usuarios",
    "nombre de usuario",  # Moodle's column, not a person
    "organismos observadores",  # organisations, grammatically masculine
    "sector empleador",  # the employers' sector, not people
    # Individuals' own titles and the characters of the fictitious case.
    "Secretario Ejecutivo",
    "Especialista Temático Regional",
    "un intermediario de su comunidad",
    "un prestamista local",
    "Intermediario informal que cobró",
)

ENGLISH_PATTERNS = [
    re.compile(
        r"\b(?:he/she|she/he|s/he|he or she|his/her|his or her|him/her|chairman|chairmen"
        r"|manpower|mankind|man-hours|workmen|foreman|spokesman)\b",
        re.IGNORECASE,
    )
]


def gendered_forms(text: str) -> list[str]:
    """The generic masculines for people in a Spanish text."""
    for allowed in ALLOWED:
        text = text.replace(allowed, " ")
    found = []
    for pattern in GENDERED_PATTERNS:
        for match in pattern.finditer(text):
            word = match.group(0)
            if word.lower().endswith(("a", "as")) and _PERSONA_BEFORE.search(text[: match.start()]):
                continue  # “personas consejeras”
            found.append(word)
    return found


def english_gendered_forms(text: str) -> list[str]:
    return [match.group(0) for pattern in ENGLISH_PATTERNS for match in pattern.finditer(text)]


def catalogue_texts(path: Path, *, source: bool) -> list[tuple[str, str]]:
    """(msgid, text) for each translation of a catalogue, or each source string."""
    texts = []
    for entry in polib.pofile(str(path)):
        if entry.obsolete:
            continue
        if source:
            texts += [(entry.msgid, entry.msgid)]
            if entry.msgid_plural:
                texts += [(entry.msgid, entry.msgid_plural)]
        elif entry.msgid_plural:
            texts += [(entry.msgid, text) for _n, text in sorted(entry.msgstr_plural.items())]
        else:
            texts.append((entry.msgid, entry.msgstr))
    return texts


def data_texts(language: str) -> list[tuple[str, str]]:
    """(where, text) for every text in a language in the programme files: the values of
    `es:`/`en:` keys and of `*_es`/`*_en` fields."""
    found = []

    def walk(node, where):
        if isinstance(node, dict):
            for key, value in node.items():
                key = str(key)
                if isinstance(value, str) and (key == language or key.endswith(f"_{language}")):
                    found.append((f"{where}.{key}", value))
                else:
                    walk(value, f"{where}.{key}")
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, f"{where}[{index}]")

    for path in DATA_FILES:
        walk(yaml.safe_load(path.read_text(encoding="utf-8")), path.relative_to(PACKAGE))
    return found


@pytest.mark.parametrize(
    "text",
    [
        "los participantes",
        "Los consejeros de empleo",
        "Su usuario es su correo",
        "el facilitador de la sesión",
        "Observador",
        "la persona administrador",
        "Bienvenido a Capacita",
        "serán bienvenidos",
        "Estimado/a Ana:",
        "Estimada Ana:",
        "de los migrantes internacionales",
        "con empleadores",
        "todos los participantes",
        "un ponente",
    ],
)
def test_the_check_catches_generic_masculines(text):
    assert gendered_forms(text), text


@pytest.mark.parametrize(
    "text",
    [
        "las personas participantes",
        "participantes",
        "Preguntas y respuestas con participantes",
        "las personas consejeras de empleo",
        "persona usuaria",
        "personas usuarias",
        "la persona facilitadora",
        "persona observadora",
        "Las personas observadoras nunca reciben certificado.",
        "persona gestora del programa",
        "Le damos la bienvenida a Capacita",
        "Palabras de bienvenida",
        "Le saludamos, Ana:",
        "los países",
        "los cursos obligatorios",
        "el programa",
        "los organismos observadores de la CRM",
        "cada participante",
        "personas trabajadoras migrantes",
        "En Zoom, desmarque “Mostrar usuarios únicos”",
        "dd/mm/aaaa",
    ],
)
def test_the_check_lets_inclusive_forms_and_other_words_through(text):
    assert gendered_forms(text) == [], text


def test_the_spanish_interface_uses_no_generic_masculine_for_people():
    offenders = [
        f"{msgid!r} → {text!r}: {found}"
        for msgid, text in catalogue_texts(SPANISH_CATALOGUE, source=False)
        if (found := gendered_forms(text))
    ]
    assert not offenders, "generic masculines in the Spanish catalogue:\n" + "\n".join(offenders)


def test_the_spanish_content_of_the_programme_files_uses_no_generic_masculine():
    assert any(path.name == "crm-2021.yaml" for path in DATA_FILES)
    offenders = [
        f"{where}: {found}" for where, text in data_texts("es") if (found := gendered_forms(text))
    ]
    assert not offenders, "generic masculines in the programme files:\n" + "\n".join(offenders)


def test_the_english_texts_use_no_gendered_generics():
    texts = catalogue_texts(ENGLISH_CATALOGUE, source=True) + data_texts("en")
    offenders = [
        f"{where!r}: {found}" for where, text in texts if (found := english_gendered_forms(text))
    ]
    assert not offenders, "\n".join(offenders)


def test_the_role_names_are_inclusive_in_spanish():
    with translation.override("es"):
        labels = {role: str(role.label) for role in Role}
    assert labels == {
        Role.MANAGER: "persona gestora del programa",
        Role.FOCAL_POINT: "punto focal del país",
        Role.PARTICIPANT: "persona participante",
        Role.FACILITATOR: "persona facilitadora o ponente",
        Role.OBSERVER: "persona observadora",
    }


# --- The sex/gender field -------------------------------------------------------------------

SPANISH_GENDERS = ["Mujer", "Hombre", "No binaria", "Otra identidad", "Prefiere no decirlo"]
ENGLISH_GENDERS = ["Woman", "Man", "Non-binary", "Another identity", "Prefer not to say"]


@pytest.mark.parametrize(("language", "labels"), [("es", SPANISH_GENDERS), ("en", ENGLISH_GENDERS)])
def test_the_sex_gender_options_are_inclusive_in_both_languages(language, labels):
    with translation.override(language):
        assert [str(label) for _value, label in Gender.choices] == labels
        assert list(TEMPLATE_GENDERS[language]) == labels


def test_the_nomination_form_offers_every_option_and_does_not_require_one(db):
    form = NominationForm(programme=ProgrammeFactory())
    field = form.fields["gender"]
    assert not field.required
    assert [value for value, _label in field.choices] == ["", *Gender.values]
    with translation.override("es"):
        assert str(field.label) == "Sexo/género (opcional)"


def test_the_model_and_the_admin_leave_sex_gender_optional(db):
    assert Nomination._meta.get_field("gender").blank
    model_admin = admin.site._registry[Nomination]
    request = RequestFactory().get("/admin/")
    request.user = UserFactory(is_staff=True, is_superuser=True)
    form_class = model_admin.get_form(request)
    if "gender" in form_class.base_fields:
        field = form_class.base_fields["gender"]
        assert not field.required
        assert {value for value, _label in field.choices} >= set(Gender.values)


@pytest.mark.parametrize(
    "text", [*SPANISH_GENDERS, *ENGLISH_GENDERS, "prefiero no decirlo", "NO BINARIA", ""]
)
def test_the_upload_accepts_the_labels_of_both_languages_and_an_empty_cell(text):
    if text:
        assert _choice(text, GENDER_WORDS) in Gender.values, text
    else:
        assert _choice(text, GENDER_WORDS) is None  # and the row leaves the gender blank


def test_an_uploaded_list_with_spanish_english_and_empty_sex_gender_is_saved(programme):
    from tests.nominations.lists import HEADER_ES, import_file, person, set_quota, xlsx

    set_quota(programme, "CR", 20)
    given = [*SPANISH_GENDERS, *ENGLISH_GENDERS, ""]
    rows = [person(n, gender=text) for n, text in enumerate(given, start=1)]
    result = import_file(
        programme, Country.objects.get(code="CR"), xlsx(HEADER_ES, *rows), "l.xlsx"
    )
    assert not [v for v in result.verdicts if v.refused], [v.reasons for v in result.verdicts]
    saved = {
        n.email: n.gender
        for n in Nomination.objects.filter(programme=programme, country__code="CR")
    }
    expected = [*Gender.values, *Gender.values, ""]
    assert [saved[f"persona.{n}.cr@example.org"] for n in range(1, len(given) + 1)] == expected


def _nominate(programme, code, n, gender):
    return Nomination.objects.create(
        programme=programme,
        country=Country.objects.get(code=code),
        first_name=f"Persona {n}",
        last_name="Prueba",
        position="Consejera",
        institution="Ministerio",
        email=f"genero.{n}@example.org",
        gender=gender,
    )


def test_the_nomination_figures_show_every_option_and_not_given(db):
    programme = ProgrammeFactory()
    NominationFactory(programme=programme, gender=Gender.NON_BINARY)
    NominationFactory(programme=programme, gender="")
    with translation.override("es"):
        by_gender = nomination_figures(programme)["by_gender"]
    assert list(by_gender.items()) == [
        ("Mujer", 0),
        ("Hombre", 0),
        ("No binaria", 1),
        ("Otra identidad", 0),
        ("Prefiere no decirlo", 0),
        ("sin dato", 1),
    ]


def test_the_country_report_page_lists_every_option(programme, client_as):
    _nominate(programme, "MX", 1, Gender.ANOTHER)
    client = client_as("manager")
    with translation.override("es"):
        url = reverse("reports:country", kwargs={"slug": programme.slug, "code": "MX"})
    content = client.get(url).content.decode()
    for label in [*SPANISH_GENDERS, "sin dato"]:
        assert f'<th scope="row">{label}</th>' in content, label


def test_the_evaluation_breakdown_lists_every_option_once_someone_took_a_test(programme):
    from capacita.evaluation.report import _every_gender
    from capacita.evaluation.statistics import by_group

    with translation.override("en"):
        lines = _every_gender(by_group([("Woman", 0.5, 0.75)] * 3 + [("not given", 0.2, None)]))
        labels = [line.label for line in lines]
        assert labels == [*ENGLISH_GENDERS, "not given", "Other groups"]
        assert [line.size for line in lines[:6]] == [3, 0, 0, 0, 0, 1]
        assert _every_gender([]) == []
        report = evaluation_report(programme)
    assert report["by_gender"] == [] or [g["label"] for g in report["by_gender"]][:6] == [
        *ENGLISH_GENDERS,
        "not given",
    ]


# --- Names of any length and script, shown whole ----------------------------------------------

LONG_SURNAME = "-".join(["Quiñónez de la Peña Hernández y Castañeda"] * 3)[:120]
NAMES = {
    "spanish": ("María José", "Ñúñez de la Peña Hernández-Quiñónez y Castañeda"),
    "arabic": ("محمد", "عبد الرحمن"),
    "chinese": ("秀英", "王"),
    "devanagari": ("अनीता", "शर्मा"),
    "long": ("Ana", LONG_SURNAME),
    "single letter": ("A", "B"),
}
# The certificate's vendored fonts (Liberation) draw Latin, Greek and Cyrillic; for other
# scripts WeasyPrint falls back to the system's fonts: DejaVu (Arabic), Lohit Devanagari and
# Droid Sans Fallback (Chinese, Japanese, Korean), the Debian packages CI installs and the
# README asks production to install. Without them these names print as empty boxes.
CERTIFICATE_NAMES = list(NAMES)


def test_the_name_fields_take_long_names():
    User = get_user_model()
    assert len(LONG_SURNAME) == 120
    for model, name in [
        (User, "first_name"),
        (User, "last_name"),
        (Nomination, "first_name"),
        (Nomination, "last_name"),
        (Certificate, "holder_name"),
    ]:
        field = model._meta.get_field(name)
        assert field.max_length is None or field.max_length >= 150, (model, name)
    form_fields = NominationForm.base_fields
    assert form_fields["first_name"].max_length >= 150
    assert form_fields["last_name"].max_length >= 150


@pytest.fixture
def named_people(programme):
    """A participant of Mexico for each name, with an accepted nomination."""
    User = get_user_model()
    mexico = Country.objects.get(code="MX")
    people = {}
    for index, (key, (first, last)) in enumerate(NAMES.items()):
        email = f"name.{index}@example.org"
        user = User.objects.create_user(email, "x", first_name=first, last_name=last)
        Membership.objects.create(
            programme=programme, user=user, role=Role.PARTICIPANT, country=mexico
        )
        Nomination.objects.create(
            programme=programme,
            country=mexico,
            first_name=first,
            last_name=last,
            position="Consejera de empleo",
            institution="Servicio Nacional de Empleo",
            email=email,
            status=Nomination.Status.ACCEPTED,
            user=user,
        )
        people[key] = user
    return people


def _page(client, name, **kwargs):
    with translation.override("es"):
        url = reverse(name, kwargs=kwargs)
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


@pytest.mark.parametrize("key", list(NAMES))
def test_a_name_is_shown_whole_on_every_page(programme, named_people, client_as, key):
    first, last = NAMES[key]
    user = named_people[key]
    client = client_as("manager")
    slug = programme.slug
    pages = {
        "participant": _page(client, "progress:participant", slug=slug, user_id=user.pk),
        "nominations": _page(client, "nominations:country", slug=slug, code="MX"),
        "country report": _page(client, "reports:country", slug=slug, code="MX"),
    }
    for page, content in pages.items():
        assert first in content, f"{key}: the first name is not whole on the {page}"
        assert last in content, f"{key}: the surname is not whole on the {page}"


def test_the_board_shows_every_name_whole(programme, named_people, client_as):
    client = client_as("manager")
    with translation.override("es"):
        url = reverse("progress:board", kwargs={"slug": programme.slug})
    content = client.get(url, {"country": "MX"}).content.decode()
    for first, last in NAMES.values():
        assert first in content and last in content, (first, last)


def test_an_uploaded_list_takes_long_names_in_any_script(programme):
    from tests.nominations.lists import HEADER_EN, import_file, person, set_quota, xlsx

    set_quota(programme, "CR", 20)
    rows = [
        person(n, first_name=first, last_name=last)
        for n, (first, last) in enumerate(NAMES.values(), start=1)
    ]
    result = import_file(
        programme, Country.objects.get(code="CR"), xlsx(HEADER_EN, *rows), "l.xlsx"
    )
    assert not result.refused, [v.reasons for v in result.refused]
    saved = {
        (n.first_name, n.last_name)
        for n in Nomination.objects.filter(programme=programme, country__code="CR")
    }
    assert set(NAMES.values()) <= saved


def pdf_text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


@pytest.mark.parametrize("key", CERTIFICATE_NAMES)
def test_a_certificate_prints_a_name_whole(programme, named_people, key):
    user = named_people[key]
    first, last = NAMES[key]
    data = render_certificate(issued_certificate(programme, user))
    text = pdf_text(data)
    if key == "devanagari":
        # A conjunct (र्म) is one glyph that text extraction spells back imperfectly: the name
        # without one must come back whole, and the glyphs must come from a font that has them.
        assert first in text, text[:300]
    else:
        assert f"{first} {last}" in text, text[:300]
    if key in FONT_FOR_SCRIPT:
        assert any(FONT_FOR_SCRIPT[key] in name for name in embedded_fonts(data))


FONT_FOR_SCRIPT = {"arabic": "DejaVu", "chinese": "Droid", "devanagari": "Lohit"}


def embedded_fonts(data: bytes) -> set[str]:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return {
        str(font.get_object()["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }

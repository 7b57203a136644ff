"""A country's list of nominees, read from the spreadsheet its focal point uploads.

`read_nomination_sheet` turns an XLSX or CSV file into rows of text keyed by field, with each
row's number as the person sees it in the file; it judges no value (that is `verdicts.py`'s
work) and raises `SheetError`, with a message in the active language, when the file cannot be
read as a list at all. `nomination_template` makes the XLSX template, in Spanish or English,
whose headers this reader knows.

Pure Python and openpyxl: no database, so it can be tested and fuzzed on its own. What any
reader of an uploaded spreadsheet needs (decoding, separators, rows, cell texts) is
`capacita.shared.spreadsheets`; this module knows the nominees' fields and their headers.
"""

from __future__ import annotations

import re
from contextlib import closing
from dataclasses import dataclass
from itertools import chain

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from capacita.shared import spreadsheets, uploads
from capacita.shared.sheets import saved, text_cell
from capacita.shared.spreadsheets import Rows, clean
from capacita.shared.typed_text import without_accents

FIELDS = (
    "first_name",
    "last_name",
    "position",
    "institution",
    "email",
    "profile",
    "gender",
    "language",
)
REQUIRED_FIELDS = ("first_name", "last_name", "position", "institution", "email")
MAX_BYTES = 5 * 1024 * 1024  # larger uploads are refused with a message
MAX_ROWS = 2000  # data rows; more is refused with a message

# An XLSX is a zip: its parts may not unpack to more than this (a zip bomb stops here).
MAX_UNPACKED_BYTES = 10 * MAX_BYTES
# Records of a CSV file read at most, blank lines included (they cost as much to read).
MAX_CSV_RECORDS = 100 * MAX_ROWS
# The header is the first row naming two fields among this many first non-empty rows
# (a title such as "Lista de Guatemala" may sit above it); failing that, the first one.
HEADER_SEARCH_ROWS = 10


@dataclass(frozen=True)
class SheetRow:
    number: int  # the row's number as the person sees it in the file
    values: dict[str, str]  # every field of FIELDS -> cleaned text ("" when empty)


@dataclass(frozen=True)
class Sheet:
    rows: list[SheetRow]  # non-empty data rows only
    columns: dict[str, str]  # field -> the header as written ("A + B" for a split name)
    ignored_columns: list[str]  # headers that matched no field, as written


class SheetError(spreadsheets.SheetError):
    """The file cannot be read as a list; `message` says why in the active language."""


def field_label(field: str) -> str:
    return {
        "first_name": _("first name(s)"),
        "last_name": _("surname(s)"),
        "position": _("position"),
        "institution": _("institution"),
        "email": _("e-mail"),
        "profile": _("profile"),
        "gender": _("sex/gender"),
        "language": _("preferred language"),
    }[field]


# --- Headers -------------------------------------------------------------------------------

# Normalised header -> field. A name may be split over two columns ("Primer apellido",
# "Segundo apellido"; "Apellido paterno", "Apellido materno"): the second part is joined to
# the first with a space.
ALIASES = {
    "first_name": (
        "nombre", "nombres", "nombre s", "primer nombre", "first name", "first names",
        "first name s", "given name", "given names", "given name s", "name", "names", "forename",
        "forenames", "nombre de pila", "nombres de pila",
    ),
    "last_name": (
        "apellido", "apellidos", "apellido s", "primer apellido", "apellido paterno", "surname",
        "surnames", "surname s", "last name", "last names", "last name s", "family name",
        "family names", "first surname",
    ),
    "position": (
        "cargo", "puesto", "cargo puesto", "puesto cargo", "cargo o puesto", "cargo actual",
        "puesto actual", "puesto de trabajo", "cargo que ocupa", "position", "current position",
        "job position", "job title", "title", "post",
    ),
    "institution": (
        "institucion", "instituciones", "institucion de afiliacion", "afiliacion institucional",
        "afiliacion", "organizacion", "organismo", "institucion organizacion",
        "institucion u organizacion", "institucion donde labora", "nombre de la institucion",
        "nombre de institucion", "dependencia", "entidad", "institution", "organisation",
        "organization", "institution organisation", "institution organization", "affiliation",
        "institutional affiliation", "institution name", "name of institution",
        "name of the institution", "employer",
    ),
    "email": (
        "correo", "correo electronico", "correo electronico institucional", "correo institucional",
        "direccion de correo", "direccion de correo electronico", "correo e", "email", "e mail",
        "email address", "e mail address", "email institucional", "e mail institucional", "mail",
    ),
    "profile": (
        "perfil", "perfil recomendado", "profile", "recommended profile",
    ),
    "gender": (
        "sexo", "genero", "sexo genero", "genero sexo", "sexo o genero", "gender", "sex",
        "sex gender", "gender sex",
    ),
    "language": (
        "idioma", "idioma preferido", "idioma de preferencia", "lengua", "lengua preferida",
        "language", "preferred language",
    ),
}  # fmt: skip
SECOND_PARTS = {
    "first_name": ("segundo nombre", "otros nombres", "middle name", "middle names"),
    "last_name": ("segundo apellido", "apellido materno", "second surname", "second last name"),
}  # fmt: skip
# A single column for the whole name cannot be split: the message says so.
FULL_NAME_HEADERS = (
    "nombre completo", "nombre y apellido", "nombre y apellidos", "nombres y apellidos",
    "apellido y nombre", "apellidos y nombres", "full name", "complete name", "name and surname",
    "first and last name",
)  # fmt: skip
# Words a header may carry around its name: "Correo electrónico del participante (obligatorio)".
FILLER_WORDS = frozenset(
    {
        "de", "del", "la", "el", "s", "participante", "persona", "nominada", "nominado",
        "participant", "nominee", "obligatorio", "obligatoria", "requerido", "requerida",
        "opcional", "optional", "required", "mandatory",
    }
)  # fmt: skip


def normalise_header(text: str) -> str:
    """No accents, lower case, words separated by single spaces: "Cargo/Puesto" → "cargo puesto"."""
    text = without_accents(text)
    return " ".join(re.sub(r"[\W_]+", " ", text.lower()).split())


def _without_filler(normalised: str) -> str:
    return " ".join(word for word in normalised.split() if word not in FILLER_WORDS)


def _alias_table() -> dict[str, tuple[str, int]]:
    table: dict[str, tuple[str, int]] = {}
    for part, aliases in ((0, ALIASES), (1, SECOND_PARTS)):
        for field, names in aliases.items():
            for name in names:
                table[name] = (field, part)
    # Then the same without filler words, where that takes nothing away.
    for name, target in list(table.items()):
        table.setdefault(_without_filler(name), target)
    table.pop("", None)
    return table


HEADER_FIELDS = _alias_table()


def header_field(text: str) -> tuple[str, int] | None:
    """(field, part) that a header names — part 1 for the second half of a split name."""
    normalised = normalise_header(text)
    return HEADER_FIELDS.get(normalised) or HEADER_FIELDS.get(_without_filler(normalised))


def _is_full_name(text: str) -> bool:
    normalised = normalise_header(text)
    return normalised in FULL_NAME_HEADERS or _without_filler(normalised) in FULL_NAME_HEADERS


def _looks_like_header(cells: list[str]) -> bool:
    found = {header_field(clean(cell)) for cell in cells if cell}
    found.discard(None)
    return len({field for field, _part in found}) >= 2


@dataclass(frozen=True)
class _Columns:
    positions: dict[str, list[int]]  # field -> column indexes, first part first
    columns: dict[str, str]
    ignored: list[str]


def _map_columns(header: list[str]) -> _Columns:
    seen: dict[tuple[str, int], str] = {}
    positions: dict[tuple[str, int], int] = {}
    ignored: list[str] = []
    full_name = None
    for index, raw in enumerate(header):
        text = clean(raw)
        if not text:
            continue
        target = header_field(text)
        if target is None:
            ignored.append(text)
            if full_name is None and _is_full_name(text):
                full_name = text
            continue
        if target in seen:
            raise SheetError(
                _("The columns “%(first)s” and “%(second)s” both hold %(field)s: keep only one.")
                % {"first": seen[target], "second": text, "field": field_label(target[0])}
            )
        seen[target] = text
        positions[target] = index

    field_positions: dict[str, list[int]] = {}
    columns: dict[str, str] = {}
    for field in FIELDS:
        parts = [part for part in (0, 1) if (field, part) in positions]
        if parts:
            field_positions[field] = [positions[field, part] for part in parts]
            columns[field] = " + ".join(seen[field, part] for part in parts)

    missing = [field for field in REQUIRED_FIELDS if field not in columns]
    if missing:
        message = _(
            "The list has no column for %(fields)s. The first row must hold the column "
            "headers: download the template to see them."
        ) % {"fields": ", ".join(field_label(field) for field in missing)}
        if full_name and ("first_name" in missing or "last_name" in missing):
            message += " " + _(
                "The column “%(header)s” seems to hold whole names: put the first name(s) "
                "and the surname(s) in two columns."
            ) % {"header": full_name}
        raise SheetError(message)
    return _Columns(field_positions, columns, ignored)


# --- Reading -------------------------------------------------------------------------------


def read_nomination_sheet(filename: str, content: bytes) -> Sheet:
    """The rows of an uploaded list, XLSX or CSV, recognised by their content (the file's
    name is not trusted and only kept for the caller's messages).

    Raises SheetError, with a message for the person who uploaded it, when the file is empty,
    too large, in a format we do not read, has no header row with the required columns, has
    two columns for one field, or more than MAX_ROWS rows. Never raises anything else.
    """
    if not content:
        raise SheetError(_("The file is empty."))
    if len(content) > MAX_BYTES:
        raise SheetError(
            _("The file is larger than %(size)s MB: remove what the list does not need.")
            % {"size": MAX_BYTES // (1024 * 1024)}
        )
    signature = uploads.signature_kind(content)
    if signature == "ole":  # old binary Excel (.xls), and password-protected XLSX
        raise SheetError(
            _(
                "This file is in the old Excel format (.xls) or protected with a password: "
                "save it as an Excel workbook (.xlsx) without a password, or as CSV."
            )
        )
    if signature == "zip":
        rows = _xlsx_rows(content)
    elif uploads.sniff(content[: uploads.SNIFF_BYTES]) != "text":
        raise _not_text()  # a PDF, an image, a video…: whatever its name says
    else:
        rows = _csv_rows(content)
    with closing(rows):
        return _sheet_from(rows)


def _sheet_from(rows: Rows) -> Sheet:
    lead: list[tuple[int, list[str]]] = []
    for number, cells in rows:
        if not any(clean(cell) for cell in cells):
            continue
        lead.append((number, cells))
        if _looks_like_header(cells) or len(lead) >= HEADER_SEARCH_ROWS:
            break
    if not lead:
        raise SheetError(_("The file has no rows: its first row must hold the column headers."))
    start = next((i for i, (_n, cells) in enumerate(lead) if _looks_like_header(cells)), 0)
    mapping = _map_columns(lead[start][1])

    data: list[SheetRow] = []
    for number, cells in chain(lead[start + 1 :], rows):
        if not any(cells):
            continue  # the quick way past blank rows, of which a file may have millions
        values = dict.fromkeys(FIELDS, "")
        for field, indexes in mapping.positions.items():
            parts = (clean(cells[index]) if index < len(cells) else "" for index in indexes)
            values[field] = " ".join(part for part in parts if part)
        if not any(values.values()):
            continue  # blank, or only notes in columns we ignore ("No.", "Observaciones")
        if len(data) == MAX_ROWS:
            raise SheetError(
                _("The list has more than %(count)s rows: split it into several files.")
                % {"count": MAX_ROWS}
            )
        data.append(SheetRow(number=number, values=values))
    return Sheet(rows=data, columns=mapping.columns, ignored_columns=mapping.ignored)


def _xlsx_rows(content: bytes) -> Rows:
    """The first worksheet's rows, numbered as in Excel; read lazily, so that reading stops
    where the list is refused. The shared reader refuses a zip bomb before parsing any XML,
    and a sheet whose cells lie beyond its last column or row; it never trusts the size the
    sheet claims, nor pads the rows it does not hold."""
    rows = spreadsheets.xlsx_rows(
        content,
        max_rows=2 * MAX_ROWS + HEADER_SEARCH_ROWS,
        max_unpacked=MAX_UNPACKED_BYTES,
    )
    try:
        yield from rows
    except uploads.UploadError as error:
        raise SheetError(error.message) from error
    finally:
        rows.close()


def _not_text() -> SheetError:
    return SheetError(_("This file is not a text file: save the list as XLSX or CSV."))


def _csv_rows(content: bytes) -> Rows:
    try:
        text = spreadsheets.decode_text(content)
    except spreadsheets.NotText as error:
        raise _not_text() from error
    if "\x00" in text:
        raise _not_text()
    return _records(
        spreadsheets.csv_rows(text, max_records=MAX_CSV_RECORDS, search_lines=HEADER_SEARCH_ROWS)
    )


def _records(rows: Rows) -> Rows:
    # The shared reader's refusals, said in the words of a list.
    try:
        yield from rows
    except uploads.MalformedCSV as error:
        raise SheetError(
            _("This file could not be read as CSV: save the list again as XLSX or CSV.")
        ) from error
    except uploads.UploadError as error:
        raise SheetError(error.message) from error
    finally:
        rows.close()


# --- Template ------------------------------------------------------------------------------

TEMPLATE_HEADERS = {
    "es": {
        "first_name": "Nombre(s)",
        "last_name": "Apellido(s)",
        "position": "Cargo/Puesto",
        "institution": "Institución",
        "email": "Correo electrónico",
        "profile": "Perfil",
        "gender": "Sexo/Género",
        "language": "Idioma preferido",
    },
    "en": {
        "first_name": "First name(s)",
        "last_name": "Surname(s)",
        "position": "Position",
        "institution": "Institution",
        "email": "E-mail",
        "profile": "Profile",
        "gender": "Sex/gender",
        "language": "Preferred language",
    },
}
TEMPLATE_GENDERS = {
    "es": ("Mujer", "Hombre", "No binaria", "Otra identidad", "Prefiere no decirlo"),
    "en": ("Woman", "Man", "Non-binary", "Another identity", "Prefer not to say"),
}
TEMPLATE_LANGUAGES = ("es", "en", "Español", "English")
# The template's own texts are in the language asked for, whatever the interface's.
TEMPLATE_TEXTS = {
    "es": {
        "sheet": "Personas nominadas",
        "lists": "Perfiles",
        "required": "Obligatorio.",
        "optional": "Opcional. Valores aceptados en la hoja «Perfiles».",
        "other": (
            "Otro: …  Si el perfil de la persona no está en la lista, escriba «Otro:» "
            "seguido de su perfil, por ejemplo «Otro: analista del mercado laboral»."
        ),
    },
    "en": {
        "sheet": "Nominees",
        "lists": "Profiles",
        "required": "Required.",
        "optional": "Optional. Accepted values on the “Profiles” sheet.",
        "other": (
            "Other: …  If the person's profile is not on the list, write “Other:” followed "
            "by their profile, for example “Other: labour market analyst”."
        ),
    },
}
COLUMN_WIDTHS = {
    "first_name": 22,
    "last_name": 22,
    "position": 32,
    "institution": 36,
    "email": 32,
    "profile": 44,
    "gender": 18,
    "language": 20,
}


def nomination_template(language: str, profile_names: list[str]) -> bytes:
    """The XLSX a focal point fills in: the headers in `language` ("es" or "en"; another
    falls back to Spanish) on the first sheet, the programme's profiles and the accepted
    sex/gender and language values on the second, offered as drop-down lists."""
    language = (language or "").lower().split("-")[0]
    if language not in TEMPLATE_HEADERS:
        language = "es"
    headers = TEMPLATE_HEADERS[language]
    texts = TEMPLATE_TEXTS[language]
    bold = Font(bold=True)

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = texts["sheet"]
    sheet.append([text_cell(sheet, headers[field]) for field in FIELDS])
    for column, field in enumerate(FIELDS, start=1):
        cell = sheet.cell(row=1, column=column)
        cell.font = bold
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(vertical="center")
        note = texts["required"] if field in REQUIRED_FIELDS else texts["optional"]
        cell.comment = Comment(note, "Capacita")
        sheet.column_dimensions[get_column_letter(column)].width = COLUMN_WIDTHS[field]
    sheet.freeze_panes = "A2"

    lists = workbook.create_sheet(texts["lists"])
    profiles = [name for name in (clean(str(name)) for name in profile_names) if name]
    columns = (
        ("profile", profiles),
        ("gender", list(TEMPLATE_GENDERS[language])),
        ("language", list(TEMPLATE_LANGUAGES)),
    )
    for column, (field, values) in enumerate(columns, start=1):
        text_cell(lists, headers[field], row=1, column=column).font = bold
        for row, value in enumerate(values, start=2):
            text_cell(lists, value, row=row, column=column)  # a profile "=…" stays text
        lists.column_dimensions[get_column_letter(column)].width = 60 if column == 1 else 22
        if values:
            letter = get_column_letter(column)
            target = get_column_letter(FIELDS.index(field) + 1)
            # A suggestion, not a rule: "Otro: …" and other spellings are typed freely.
            choices = DataValidation(
                type="list",
                formula1=f"'{lists.title}'!${letter}$2:${letter}${len(values) + 1}",
                allow_blank=True,
                showErrorMessage=False,
            )
            choices.add(f"{target}2:{target}{MAX_ROWS + 1}")
            sheet.add_data_validation(choices)
    other = text_cell(lists, texts["other"], row=len(profiles) + 3, column=1)
    other.font = Font(italic=True)
    other.alignment = Alignment(wrap_text=True, vertical="top")

    return saved(workbook)

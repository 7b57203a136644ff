"""Real lists for the nomination tests: XLSX workbooks made with openpyxl and CSV files in
the encodings and separators focal points send, plus small readers of the database state."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import re
from collections import Counter

from openpyxl import Workbook

from capacita.nominations.models import Nomination
from capacita.nominations.services import import_nominations
from capacita.nominations.spreadsheets import read_nomination_sheet
from capacita.programmes.models import Country, MemberCountry

HEADER_ES = [
    "Nombre(s)",
    "Apellido(s)",
    "Cargo/Puesto",
    "Institución",
    "Correo electrónico",
    "Perfil",
    "Sexo/Género",
    "Idioma preferido",
]
HEADER_EN = [
    "First name(s)",
    "Surname(s)",
    "Position",
    "Institution",
    "E-mail",
    "Profile",
    "Sex/gender",
    "Preferred language",
]

COUNSELLOR_ES = "Personas consejeras nacionales de empleo (a nivel nacional o local)"
INSPECTOR_EN = "Labour inspectors"


def person(n: int, code: str = "cr", **changes) -> list[str]:
    """A complete, valid row (HEADER_ES / HEADER_EN order) for nominee number `n`."""
    row = {
        "first_name": f"Persona {n}",
        "last_name": f"Prueba {code.upper()}",
        "position": "Consejera de empleo",
        "institution": "Ministerio de Trabajo",
        "email": f"persona.{n}.{code.lower()}@example.org",
        "profile": "employment-counsellor",
        "gender": "",
        "language": "",
    }
    row.update(changes)
    return list(row.values())


def xlsx(*rows) -> bytes:
    """An XLSX workbook whose first sheet holds `rows` (None leaves a cell empty)."""
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(list(row))
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def csv_bytes(*rows, separator: str = ",", encoding: str = "utf-8") -> bytes:
    """A CSV file as spreadsheet programs write it; encoding "utf-8-sig" adds the BOM."""
    output = io.StringIO(newline="")
    csv.writer(output, delimiter=separator, lineterminator="\r\n").writerows(rows)
    return output.getvalue().encode(encoding)


def import_file(programme, country, content: bytes, filename: str = "lista.csv", **kwargs):
    """Read `content` as the upload page does, then import it."""
    sheet = read_nomination_sheet(filename, content)
    kwargs.setdefault("actor", None)
    return import_nominations(programme, country, sheet.rows, **kwargs)


def country(code: str) -> Country:
    return Country.objects.get(code=code)


def set_quota(programme, code: str, quota: int) -> None:
    MemberCountry.objects.filter(programme=programme, country__code=code).update(quota=quota)


def statuses(programme, code: str) -> Counter:
    """How many of the country's nominations are in each status."""
    return Counter(
        Nomination.objects.filter(programme=programme, country__code=code).values_list(
            "status", flat=True
        )
    )


def snapshot(programme) -> list[tuple]:
    """Every nomination of the programme as it stands, to compare before and after."""
    return list(
        Nomination.objects.filter(programme=programme)
        .order_by("id")
        .values_list("id", "email", "status", "country__code", "first_name", "updated_at")
    )


def outcomes(result) -> list[tuple[int, str]]:
    return [(verdict.number, verdict.outcome) for verdict in result.verdicts]


def reasons_of(result, number: int) -> list[str]:
    [verdict] = [verdict for verdict in result.verdicts if verdict.number == number]
    return verdict.reasons


A_DATE = dt.datetime(2021, 9, 30)


def flash_messages(response) -> list[tuple[str, str]]:
    """(level, text) of each message the page shows: "success", "warning", "error"."""
    page = response.content.decode()
    found = re.search(r'<ul class="messages">(.*?)</ul>', page, re.S)
    if not found:
        return []
    return [
        (level, html.unescape(text))
        for level, text in re.findall(r'<li class="([^"]*)">(.*?)</li>', found.group(1), re.S)
    ]


def levels(response) -> list[str]:
    return [level for level, _text in flash_messages(response)]

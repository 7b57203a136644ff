"""Completion reports built by hand, in the shapes Moodle's sites export them."""

from __future__ import annotations

import codecs
import csv
import io

from capacita.completions.selectors import participants

# Moodle's default: `Course complete` holds the completion date, blank while not complete.
HEADER_EN = ["ID", "Name", "Email address", "Quiz 1", "Quiz 1 - Completion date", "Course complete"]
# Some sites: first and last names apart, and the course's state with its date beside it.
HEADER_EN_SPLIT = [
    "ID",
    "First name",
    "Last name",
    "Email address",
    "Quiz 1",
    "Quiz 1 - Completion date",
    "Course complete",
    "Course complete Date",
]
HEADER_ES = [
    "ID",
    "Nombre",
    "Dirección de correo",
    "Cuestionario 1",
    "Cuestionario 1 - Fecha de finalización",
    "Curso completado",
]
HEADER_ES_SPLIT = [
    "ID",
    "Nombre",
    "Apellido(s)",
    "Correo electrónico",
    "Cuestionario 1",
    "Cuestionario 1 - Fecha de finalización",
    "Curso completado",
    "Curso completado - Fecha de finalización",
]

WORDS = {
    "en": ("Completed", "Not completed"),
    "es": ("Completado", "No completado"),
}


def row(number: int, name: str, email: str, date: str = "", language: str = "en") -> list[str]:
    """A row of the default shape: `date` completes the course (blank: not complete)."""
    done, not_done = WORDS[language]
    return [str(number), name, email, done if date else not_done, date, date]


def split_row(
    number: int, first: str, last: str, email: str, date: str = "", language: str = "en"
) -> list[str]:
    """A row of the split shape: names apart, the course's state word and its date."""
    done, not_done = WORDS[language]
    state = done if date else not_done
    return [str(number), first, last, email, state, date, state, date]


def report(
    header: list[str],
    *rows: list[str],
    separator: str = ",",
    encoding: str = "utf-8",
    bom: bool = False,
) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=separator, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    text = out.getvalue()
    if encoding == "utf-16-le":
        # Moodle's "Excel-compatible" download: UTF-16LE with its BOM, tab separated.
        return codecs.BOM_UTF16_LE + text.encode("utf-16-le")
    content = text.encode(encoding)
    return codecs.BOM_UTF8 + content if bom else content


def excel_report(header: list[str], *rows: list[str]) -> bytes:
    return report(header, *rows, separator="\t", encoding="utf-16-le")


def some_participants(programme, count: int = 3) -> list:
    """The first `count` accepted participants, by name."""
    people = list(participants(programme)[:count])
    assert len(people) == count
    return people

"""Files built for the upload tests: real workbooks, bombs and liars, kept small."""

from __future__ import annotations

import io
import zipfile

from openpyxl import Workbook
from PIL import Image

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def png(size=(4, 4)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "white").save(out, "PNG")
    return out.getvalue()


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(out, "JPEG")
    return out.getvalue()


def xlsx(*rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def with_sheet(content: bytes, sheet_xml: bytes | None = None, chunks=None) -> bytes:
    """`content` (an XLSX) with its first sheet's XML replaced by `sheet_xml`, or written
    from the iterable of byte strings `chunks` (so that a large part is never held whole)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(content)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                target.writestr(info, source.read(info))
            elif chunks is None:
                target.writestr(info.filename, sheet_xml)
            else:
                with target.open(info.filename, "w") as part:
                    for chunk in chunks:
                        part.write(chunk)
    return out.getvalue()


SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)


def sheet(rows_xml: bytes, dimension: bytes = b"A1:B2") -> bytes:
    return (
        SHEET_HEAD
        + b'<dimension ref="'
        + dimension
        + b'"/><sheetData>'
        + rows_xml
        + b"</sheetData></worksheet>"
    )


def inline_row(number: int, *cells: tuple[str, str]) -> bytes:
    """A row of inline-string cells, each given as (reference, text)."""
    parts = [f'<row r="{number}">']
    for reference, text in cells:
        parts.append(f'<c r="{reference}" t="inlineStr"><is><t>{text}</t></is></c>')
    parts.append("</row>")
    return "".join(parts).encode()


def bomb(base: bytes, megabytes: int) -> bytes:
    """`base` whose sheet XML inflates to `megabytes` MB of blanks (a few KB packed)."""
    blank = b" " * (1024 * 1024)
    return with_sheet(
        base,
        chunks=[SHEET_HEAD, b"<sheetData>", *([blank] * megabytes), b"</sheetData></worksheet>"],
    )

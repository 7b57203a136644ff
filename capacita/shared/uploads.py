"""Uploaded files, judged by their content: the one place that knows how large each kind of
upload may be, what a file really is (whatever its name says), how to open a workbook without
letting it unpack or spread without bound, and what name a stored file gets.

- Sizes: `limit(name)` is the setting of that name, or its default below; `check_size`
  refuses a file larger than it before a byte of it is read.
- Types: `sniff` names a file's kind from its first bytes (and, for a zip, the parts it
  holds): "xlsx", "pptx", "zip", "ole" (old Office files), "pdf", "png", "jpeg", "gif",
  "webp", "mp4", "webm", "text", or None. The name a file was uploaded under plays no part.
- Workbooks: `xlsx_rows` reads the first sheet of an XLSX a row at a time, refusing with an
  `UploadError` a zip bomb (judged from the sizes in the zip's directory, which the zip
  module enforces while unpacking, before any XML is parsed), a sheet with cells beyond
  `MAX_COLUMNS` or Excel's last row, or more than `max_cells` cells. The sheet's own
  `<dimension>` is never trusted: only rows present in the file are read, never padded.
- CSV: `csv_records` reads at most `max_records` records of at most `MAX_FIELD_CHARS`
  characters each.
- Names: `stored_name` is a random name with the extension of the detected kind;
  `display_name` is what may be shown of the name a file came with (no folders, no control
  characters, not too long) — shown escaped, as every template does.
- Views: `accept` reads the file of an upload form and hands it on, or tells the person why
  the upload is refused, the same way on every page that takes a file.
"""

from __future__ import annotations

import csv
import io
import posixpath
import unicodedata
import uuid
import zipfile
from collections.abc import Callable, Iterator
from typing import TypeVar

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _

from capacita.shared.errors import UserError

MB = 1024 * 1024

# The default of each size limit, in bytes; a setting of the same name replaces it.
DEFAULT_LIMITS = {
    # Lists of nominees, completion reports, test responses (CSV or XLSX).
    "UPLOAD_MAX_SPREADSHEET_BYTES": 5 * MB,
    # Zoom's participants report of a long, large meeting (100,000 rows are about 10 MB).
    "UPLOAD_MAX_ZOOM_REPORT_BYTES": 30 * MB,
    # Logos and signatures on the certificates.
    "UPLOAD_MAX_IMAGE_BYTES": 2 * MB,
    # A speaker's slides (PDF or PowerPoint).
    "UPLOAD_MAX_SLIDES_BYTES": 20 * MB,
    # A session's recording; a longer one is better given as a link.
    "UPLOAD_MAX_RECORDING_BYTES": 1024 * MB,
}

# A workbook may hold at most this many parts, unpacking to at most this many bytes in all
# (a list of 2,000 people is well under 2 MB unpacked).
MAX_ZIP_MEMBERS = 1000
MAX_UNPACKED_BYTES_DEFAULT = 50 * MB
# No part may be packed more tightly than this: real sheets stay far below it, zip bombs
# (a few KB unpacking to GB) far above it.
MAX_COMPRESSION_RATIO = 200
# Columns read in a sheet: a cell further right is refused, not padded up to.
MAX_COLUMNS = 200
# Excel's own last row.
LAST_SHEET_ROW = 1_048_576
# Pixels in a logo or signature (5000 × 5000): a larger one costs too much to draw.
MAX_IMAGE_PIXELS = 25_000_000
# Characters in one CSV field (the csv module's default is 131,072).
MAX_FIELD_CHARS = 65_536

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
ZIP_SIGNATURE = b"PK\x03\x04"  # XLSX and PPTX are zips too: `sniff` looks inside
# The whole eight bytes of an OLE compound file (.xls, .doc, .ppt, and a password-protected
# XLSX): a file with only the first four of them is no Office file.
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
SNIFF_BYTES = 8192

# The one table of file signatures: each kind with the bytes its files hold at given offsets,
# all of them. Tried in this order, the first kind that matches is the file's (a QuickTime
# file is an MP4 whose brand is "qt  ", so "mov" comes first).
SIGNATURES: tuple[tuple[str, tuple[tuple[int, bytes], ...]], ...] = (
    ("pdf", ((0, b"%PDF-"),)),
    ("png", ((0, PNG_SIGNATURE),)),
    ("jpeg", ((0, b"\xff\xd8\xff"),)),
    ("gif", ((0, b"GIF87a"),)),
    ("gif", ((0, b"GIF89a"),)),
    ("webp", ((0, b"RIFF"), (8, b"WEBP"))),
    ("mov", ((4, b"ftyp"), (8, b"qt  "))),
    ("mp4", ((4, b"ftyp"),)),
    ("webm", ((0, b"\x1a\x45\xdf\xa3"),)),
    ("ole", ((0, OLE_SIGNATURE),)),
    ("zip", ((0, ZIP_SIGNATURE),)),
)

# The extension a stored file of each kind gets.
EXTENSIONS = {
    "xlsx": "xlsx",
    "pptx": "pptx",
    "zip": "zip",
    "ole": "bin",
    "pdf": "pdf",
    "png": "png",
    "jpeg": "jpg",
    "gif": "gif",
    "webp": "webp",
    "mp4": "mp4",
    "mov": "mov",
    "webm": "webm",
    "text": "csv",
}
IMAGE_KINDS = frozenset({"png", "jpeg"})
SLIDES_KINDS = frozenset({"pdf", "pptx"})
RECORDING_KINDS = frozenset({"mp4", "mov", "webm"})
SPREADSHEET_KINDS = frozenset({"xlsx", "text"})


class UploadError(UserError):
    """The upload is refused; `message` says why in the active language."""


class MalformedCSV(UploadError):
    """The text is not CSV the csv module can read (the caller may say so its own way)."""


# --- Sizes ---------------------------------------------------------------------------------


def limit(name: str) -> int:
    """The size limit `name`, in bytes: the setting of that name, else its default."""
    return int(getattr(settings, name, DEFAULT_LIMITS[name]))


def megabytes(size: int) -> str:
    """`size` bytes in MB as a person reads it: "5", "0.5" (in the active language's format)."""
    value = size / MB
    if value >= 1 and value == int(value):
        return formats.number_format(int(value))
    return formats.number_format(round(value, 2), decimal_pos=2 if value < 0.1 else 1)


def too_large(size_limit: int) -> UploadError:
    return UploadError(
        _("This file is too large: at most %(size)s MB.") % {"size": megabytes(size_limit)}
    )


def check_size(file, size_limit: int) -> None:
    """Refuse `file` (an uploaded file, or bytes) when larger than `size_limit` bytes; its
    size is known before it is read."""
    size = len(file) if isinstance(file, bytes | bytearray | memoryview) else file.size
    if size is None or size > size_limit:
        raise too_large(size_limit)
    if size == 0:
        raise UploadError(_("The file is empty."))


def read_upload(file, size_limit: int) -> bytes:
    """The whole content of an uploaded file, never more than `size_limit` bytes of it (the
    size a client declares is checked again against what is read)."""
    check_size(file, size_limit)
    file.seek(0)
    content = file.read(size_limit + 1)
    if len(content) > size_limit:
        raise too_large(size_limit)
    return content


# --- Types ---------------------------------------------------------------------------------


def sniff(content) -> str | None:
    """The kind of a file from its content: bytes, or an open binary file (read from its
    start, and left at its start)."""
    if isinstance(content, bytes | bytearray | memoryview):
        data = bytes(content)
        head = data[:SNIFF_BYTES]
        source = io.BytesIO(data)
    else:
        content.seek(0)
        head = content.read(SNIFF_BYTES)
        content.seek(0)
        source = content
    if not head:
        return None
    kind = _sniff_head(head)
    if kind == "zip":
        try:
            kind = _zip_kind(source)
        finally:
            if source is content:
                content.seek(0)
    return kind


def signature_kind(head: bytes) -> str | None:
    """The kind whose signature (SIGNATURES) `head`, a file's first bytes, carries, or None.
    A zip is "zip" here, whatever it holds: `sniff` tells an XLSX from other zips."""
    for kind, marks in SIGNATURES:
        if all(head[offset : offset + len(mark)] == mark for offset, mark in marks):
            return kind
    return None


def _sniff_head(head: bytes) -> str | None:
    kind = signature_kind(head)
    if kind is None and is_text(head):
        return "text"
    return kind


def _zip_kind(source) -> str | None:
    try:
        with zipfile.ZipFile(source) as archive:
            names = set(archive.namelist())
    except Exception:  # noqa: BLE001 - a damaged zip is simply not one we read
        return None
    if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
        return "xlsx"
    if "[Content_Types].xml" in names and "ppt/presentation.xml" in names:
        return "pptx"
    return "zip"


CONTROL_BYTES = frozenset(range(32)) - {9, 10, 12, 13}


def is_text(head: bytes) -> bool:
    """Whether `head`, a file's first bytes, is text: UTF-16 with its byte-order mark, or
    bytes without NULs or other control characters than tab, line and page breaks."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return len(head) % 2 == 0 or len(head) >= SNIFF_BYTES
    return not CONTROL_BYTES.intersection(head)


def kind_label(kind: str | None) -> str:
    """What a person calls a file of this kind."""
    return {
        "xlsx": _("an Excel workbook (XLSX)"),
        "pptx": _("a PowerPoint presentation"),
        "zip": _("a zip archive"),
        "ole": _("an old Office file (.xls, .doc, .ppt) or a password-protected one"),
        "pdf": _("a PDF document"),
        "png": _("a PNG image"),
        "jpeg": _("a JPEG image"),
        "gif": _("a GIF image"),
        "webp": _("a WebP image"),
        "mp4": _("an MP4 video"),
        "mov": _("a QuickTime video"),
        "webm": _("a WebM video"),
        "text": _("a text file"),
    }.get(kind, _("a file of unknown type"))


def check_kind(content, allowed: frozenset[str], expected: str) -> str:
    """The kind of `content` when it is one of `allowed`; else an UploadError saying what the
    file really is and what was `expected` (a translated phrase such as "a PDF or PowerPoint
    file")."""
    kind = sniff(content)
    if kind not in allowed:
        raise UploadError(
            _("This file is %(found)s, not %(expected)s.")
            % {"found": kind_label(kind), "expected": expected}
        )
    return kind


def check_image(file) -> None:
    """Refuse an image that Pillow cannot read (damaged, or a decompression bomb)."""
    from PIL import Image

    file.seek(0)
    try:
        with Image.open(file) as image:
            width, height = image.size
            if width * height > MAX_IMAGE_PIXELS:
                raise UploadError(
                    _("This image is too large: at most %(count)s million pixels.")
                    % {"count": MAX_IMAGE_PIXELS // 1_000_000}
                )
            image.verify()
    except UploadError:
        raise
    except Exception as error:  # noqa: BLE001 - Pillow raises many kinds on a bad image
        raise UploadError(_("This image is damaged or too large to be read.")) from error
    finally:
        file.seek(0)


# --- Names ---------------------------------------------------------------------------------

MAX_DISPLAY_NAME = 120


def display_name(name: str | None) -> str:
    """What may be shown and kept of the name a file was uploaded under: the last part of
    its path, without control or invisible characters, at most MAX_DISPLAY_NAME characters
    (the extension kept). Never used to find or store the file."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = name.replace("\\", "/")
    name = posixpath.basename(name.rstrip("/"))
    name = "".join(
        " " if unicodedata.category(char)[0] in "CZ" and char != " " else char for char in name
    )
    name = " ".join(name.split()).strip(". ")
    if len(name) > MAX_DISPLAY_NAME:
        stem, dot, extension = name.rpartition(".")
        if dot and 0 < len(extension) <= 10:
            name = stem[: MAX_DISPLAY_NAME - len(extension) - 1] + "." + extension
        else:
            name = name[:MAX_DISPLAY_NAME]
    return name or _("file")


def stored_name(kind: str | None) -> str:
    """A new random file name with the extension of `kind`."""
    return f"{uuid.uuid4().hex}.{EXTENSIONS.get(kind, 'bin')}"


@deconstructible(path="capacita.shared.uploads.SafeUploadTo")
class SafeUploadTo:
    """A FileField's `upload_to`: the file is stored under `folder` (strftime patterns
    allowed) with a random name and the extension of its detected kind — never the name it
    was uploaded under."""

    def __init__(self, folder: str, field: str):
        self.folder = folder
        self.field = field

    def __call__(self, instance, filename):
        import datetime as dt

        kind = None
        try:
            field_file = getattr(instance, self.field, None)
            if field_file is not None and not field_file._committed:
                # An upload through a form: the field holds the new file, judged by its content.
                kind = sniff(field_file.file)
        except Exception:  # noqa: BLE001 - the name is random whatever the content
            kind = None
        if kind is None:
            # Saved by code (`field_file.save(name, content)`): the content is not at hand here;
            # the name's extension is kept only when it is one we give.
            extension = posixpath.splitext(str(filename))[1].lstrip(".").lower()
            kind = next((k for k, ext in EXTENSIONS.items() if ext == extension), None)
        folder = dt.datetime.now().strftime(self.folder)
        return posixpath.join(folder, stored_name(kind))

    def __eq__(self, other):
        return isinstance(other, SafeUploadTo) and (self.folder, self.field) == (
            other.folder,
            other.field,
        )

    def __hash__(self):
        return hash((self.folder, self.field))


@deconstructible(path="capacita.shared.uploads.FileCheck")
class FileCheck:
    """A FileField's validator: at most the size limit named `limit_name`, one of `kinds` by
    its content, and (for images) readable by Pillow."""

    def __init__(self, limit_name: str, kinds: list[str] | tuple[str, ...]):
        self.limit_name = limit_name
        self.kinds = tuple(kinds)

    def __call__(self, value):
        file = getattr(value, "file", value)
        if getattr(value, "_committed", False):
            return  # a file stored before, not a new upload
        try:
            check_size(value, limit(self.limit_name))
            kinds = frozenset(self.kinds)
            check_kind(file, kinds, self._expected(kinds))
            if kinds <= IMAGE_KINDS:
                check_image(file)
        except UploadError as error:
            raise ValidationError(error.message, code="upload") from None

    @staticmethod
    def _expected(kinds: frozenset[str]) -> str:
        if kinds <= IMAGE_KINDS:
            return _("a PNG or JPEG image")
        if kinds <= SLIDES_KINDS:
            return _("a PDF or PowerPoint (PPTX) file")
        if kinds <= RECORDING_KINDS:
            return _("a video (MP4, MOV or WebM)")
        return _("a spreadsheet (XLSX or CSV)")

    def __eq__(self, other):
        return isinstance(other, FileCheck) and (self.limit_name, self.kinds) == (
            other.limit_name,
            other.kinds,
        )

    def __hash__(self):
        return hash((self.limit_name, self.kinds))


# --- Workbooks -----------------------------------------------------------------------------


def not_a_workbook() -> UploadError:
    return UploadError(_("This file is not a spreadsheet we can read: save it as XLSX or CSV."))


def check_workbook_archive(content: bytes, max_unpacked: int | None = None) -> None:
    """Refuse a zip that is no XLSX, or that would unpack to more than `max_unpacked` bytes
    (by default ten times the spreadsheet size limit) or is packed like a zip bomb. Reads only
    the zip's directory; the zip module then refuses to unpack more than it declares."""
    if max_unpacked is None:
        max_unpacked = max(10 * limit("UPLOAD_MAX_SPREADSHEET_BYTES"), MB)
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
    except Exception as error:  # noqa: BLE001 - zipfile raises many kinds on a damaged zip
        raise not_a_workbook() from error
    names = {member.filename for member in members}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise not_a_workbook()
    unpacked = sum(member.file_size for member in members)
    packed_like_a_bomb = any(
        member.file_size > MB
        and member.file_size > MAX_COMPRESSION_RATIO * max(member.compress_size, 1)
        for member in members
    )
    if len(members) > MAX_ZIP_MEMBERS or unpacked > max_unpacked or packed_like_a_bomb:
        raise UploadError(
            _("This workbook is too large once unpacked: copy the list into a new file.")
        )


def xlsx_rows(
    content: bytes, *, max_rows: int, max_cells: int = 500_000, max_unpacked: int | None = None
) -> Iterator[tuple[int, list]]:
    """The first worksheet's non-empty rows as (row number as in Excel, cell values), each
    list as long as its last non-empty cell, read lazily (close the iterator to stop early).

    Raises UploadError for a file that is not a workbook, a zip bomb, a cell right of
    MAX_COLUMNS or below Excel's last row, more than `max_rows` non-empty rows or more than
    `max_cells` cells in the sheet's XML.
    """
    check_workbook_archive(content, max_unpacked)
    from openpyxl import load_workbook
    from openpyxl.worksheet._reader import WorkSheetParser

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 - openpyxl raises many kinds on a damaged file
        raise not_a_workbook() from error
    try:
        if not workbook.worksheets:
            return
        sheet = workbook.worksheets[0]
        if not hasattr(sheet, "_get_source"):  # a chart sheet
            return
        rows = cells = 0
        with sheet._get_source() as source:
            # The parser yields only the rows in the file: never the empty rows between them,
            # nor the size the sheet's <dimension> claims.
            parser = WorkSheetParser(
                source,
                workbook.shared_strings,
                data_only=True,
                epoch=workbook.epoch,
                date_formats=workbook._date_formats,
                timedelta_formats=workbook._timedelta_formats,
            )
            for number, parsed in parser.parse():
                if number > LAST_SHEET_ROW or number < 1:
                    raise _beyond_sheet()
                cells += len(parsed)
                if cells > max_cells:
                    raise _too_many_cells()
                present = [cell for cell in parsed if cell["value"] is not None]
                if not present:
                    continue
                width = max(cell["column"] for cell in present)
                if width > MAX_COLUMNS:
                    raise UploadError(
                        _("The sheet has cells beyond column %(count)s: remove them.")
                        % {"count": MAX_COLUMNS}
                    )
                rows += 1
                if rows > max_rows:
                    raise UploadError(
                        _("The file has more than %(count)s rows: split it into several files.")
                        % {"count": max_rows}
                    )
                values = [None] * width
                for cell in present:
                    if cell["column"] >= 1:
                        values[cell["column"] - 1] = cell["value"]
                yield number, values
    except UploadError:
        raise
    except Exception as error:  # noqa: BLE001 - the XML is parsed as we go: damage shows here
        raise not_a_workbook() from error
    finally:
        workbook.close()


def _beyond_sheet() -> UploadError:
    return UploadError(_("The sheet has rows beyond Excel's last row: it cannot be read."))


def _too_many_cells() -> UploadError:
    return UploadError(_("The sheet has too many cells: copy the list into a new file."))


# --- CSV -----------------------------------------------------------------------------------


def csv_records(text: str, *, max_records: int, **options) -> Iterator[list[str]]:
    """The records of CSV `text` (csv.reader's `options`), refusing with an UploadError a
    field longer than MAX_FIELD_CHARS, a malformed file, or more than `max_records` records
    (blank lines count: they cost as much to read)."""
    csv.field_size_limit(MAX_FIELD_CHARS)
    reader = csv.reader(io.StringIO(text, newline=""), **options)
    count = 0
    try:
        for record in reader:
            count += 1
            if count > max_records:
                raise UploadError(
                    _("The file has more than %(count)s rows: split it into several files.")
                    % {"count": max_records}
                )
            yield record
    except csv.Error as error:
        if "field larger than field limit" in str(error):
            raise UploadError(
                _("A cell of this file holds more than %(count)s characters.")
                % {"count": MAX_FIELD_CHARS}
            ) from error
        raise MalformedCSV(
            _("This file could not be read as CSV: save it again as XLSX or CSV.")
        ) from error


# --- Views ---------------------------------------------------------------------------------

T = TypeVar("T")


def accept(
    request,
    form,
    limit_name: str,
    use: Callable[[str, bytes], T],
    *,
    missing: str | None = None,
    refused: tuple[type[UserError], ...] = (),
) -> T | None:
    """What `use(name, content)` makes of the file a bound upload form carries in its field
    `file` (`name`: what may be shown of the name it came with; `content`: its bytes, read
    within the size limit `limit_name`), or None when the upload is refused. `use` returns
    something other than None.

    The person is told why an upload is refused, one error message each:
    - the form's errors: with `missing` (what to say when no file came), the file's own errors
      when a file came, else `missing`; without it, every error of every field;
    - a file beyond its limit, or an `UploadError` or one of `refused` raised by `use`: the
      refusal's message, then each of its problems.
    """
    if not form.is_valid():
        if missing is None:
            errors = [error for field_errors in form.errors.values() for error in field_errors]
        else:
            file_errors = form.errors.get("file")
            errors = list(file_errors) if file_errors and form.files.get("file") else [missing]
        for error in errors:
            messages.error(request, error)
        return None
    file = form.cleaned_data["file"]
    try:
        content = read_upload(file, limit(limit_name))
        return use(display_name(file.name), content)
    except (UploadError, *refused) as error:
        messages.error(request, error.message)
        for problem in error.problems:
            messages.error(request, problem)
        return None

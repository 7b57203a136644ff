"""The pages each role reaches, built from the access matrix's rows: what the checks that
go over every page (accessibility, the language of passages) request."""

from __future__ import annotations

import re

from django.db import transaction

from .test_access_matrix import MATRIX

DOWNLOADS = (".pdf", ".xlsx", ".csv", ".ics", ".json", ".zip")


def matrix_pages(role: str, programme) -> list[str]:
    """The GET addresses of the matrix that answer `role` with 200 (admin rows apart)."""
    urls = []
    for name, row in MATRIX.items():
        if not row.urls or row.method != "get" or name.startswith("admin:"):
            continue
        if row.expected.get(role) != 200:
            continue
        urls += built_pages(row, programme)
    return urls


class _Downloads(Exception):
    pass


def built_pages(row, programme) -> list[str]:
    """The row's HTML addresses; what a row of downloads only built is undone (several of
    them build a certificate for the demo participant, who may hold only one)."""
    pages = []
    try:
        with transaction.atomic():
            pages = [u for u in row.urls(programme) if u and not is_download(u)]
            if not pages:
                raise _Downloads
    except _Downloads:
        pass
    return pages


def is_download(url: str) -> bool:
    return url.split("?", 1)[0].endswith(DOWNLOADS)


def in_language(url: str, language: str) -> str:
    return re.sub(r"^/(es|en)/", f"/{language}/", url)

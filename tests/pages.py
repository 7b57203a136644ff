"""The pages each role reaches, built from the access matrix's rows: what the checks that
go over every page (accessibility, the language of passages) request."""

from __future__ import annotations

import re

from django.db import transaction

from .test_access_matrix import MATRIX

DOWNLOADS = (".pdf", ".xlsx", ".csv", ".ics", ".json", ".zip")


def matrix_pages(role: str, programme) -> list[str]:
    """The GET addresses of the matrix that answer `role` with 200 (admin rows apart, and the
    API's, which answer a token rather than a page's reader)."""
    urls = []
    for name, row in MATRIX.items():
        if not row.urls or row.method != "get" or name.startswith("admin:") or row.token:
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


def rendered_pages(client, urls, language: str):
    """(address, HTML) of each HTML page of `urls` in `language`, each once, checked to
    answer 200 in that language."""
    seen = set()
    for url in urls:
        url = in_language(url, language)
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        if "text/html" not in response.get("Content-Type", ""):
            continue
        assert response.status_code == 200, url
        html = response.content.decode()
        assert f'<html lang="{language}"' in html, url
        yield url, html

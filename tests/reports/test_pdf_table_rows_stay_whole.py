"""A table row of a report's PDF is never cut by a page break (a course's figures at the
foot of one page and its name at the top of the next), and a table that runs over pages
repeats its header on each."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from capacita.programmes.models import Country, Membership, Role

from .pdfs import downloaded, page_texts

pytestmark = [pytest.mark.django_db, pytest.mark.pdf]

ROWS = 40
FILLER = " ".join(["Longname"] * 14)


def start(number: int) -> str:
    return f"Row{number:02d}start"


def end(number: int) -> str:
    return f"Row{number:02d}end"


@pytest.fixture
def many_long_rows(programme):
    """Forty participants in Mexico, each name long enough to fill several lines of its
    cell, its first word and its last marking the row."""
    mexico = Country.objects.get(code="MX")
    User = get_user_model()
    for number in range(ROWS):
        user = User.objects.create_user(
            f"many.{number}@example.org",
            "x",
            first_name=f"{start(number)} {FILLER}",
            last_name=f"{FILLER} {end(number)}",
        )
        Membership.objects.create(
            programme=programme, user=user, role=Role.PARTICIPANT, country=mexico
        )


def test_no_row_of_the_participants_table_is_split_between_pages(client_as, many_long_rows):
    pages = page_texts(downloaded(client_as("manager"), "/reports/MX.pdf"))

    def page_of(marker: str) -> int:
        found = [index for index, text in enumerate(pages) if marker in text]
        assert len(found) == 1, (marker, found)
        return found[0]

    split = [n for n in range(ROWS) if page_of(start(n)) != page_of(end(n))]
    assert split == []
    # The rows run over several pages, each headed by the table's column headers.
    rows_on = sorted({page_of(start(n)) for n in range(ROWS)})
    assert len(rows_on) >= 3
    for index in rows_on:
        assert "Sessions attended" in pages[index] and "Still missing" in pages[index], index

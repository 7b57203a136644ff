"""Each table of the country report and the balance, on the page and in the PDF, has its
caption and its column headers: the nominations by profile and by sex/gender are two tables
(they were one, with "not given" twice and no header saying which was which)."""

from __future__ import annotations

import pytest
import tinyhtml5
from django.utils import translation

from capacita.programmes.models import Country
from capacita.reports import documents, figures

from .pdfs import downloaded, flat, page_texts

pytestmark = pytest.mark.django_db

HTML = "{http://www.w3.org/1999/xhtml}"


def text(element) -> str:
    return flat("".join(element.itertext()))


def tables(html: str) -> list[dict]:
    """Each table's caption, column headers (with their scope) and rows (header, cells)."""
    found = []
    for table in tinyhtml5.parse(html).iter(f"{HTML}table"):
        caption = table.find(f"{HTML}caption")
        head = table.find(f"{HTML}thead")
        rows = []
        for body in table.iter(f"{HTML}tbody"):
            for row in body.iter(f"{HTML}tr"):
                cells = list(row)
                rows.append(
                    [(cell.tag.removeprefix(HTML), cell.get("scope"), text(cell)) for cell in cells]
                )
        found.append(
            {
                "caption": text(caption) if caption is not None else "",
                "columns": [(th.get("scope"), text(th)) for th in head.iter(f"{HTML}th")]
                if head is not None
                else [],
                "rows": rows,
            }
        )
    return found


DOCUMENTS = ["country page", "balance page", "country PDF", "balance PDF"]


@pytest.fixture(params=DOCUMENTS)
def document(request, client_as, programme):
    """(name, HTML) of each page and of the HTML each PDF is made from, in English."""
    name = request.param
    if name.endswith("page"):
        path = {"country page": "reports/MX/", "balance page": "balance/"}[name]
        response = client_as("manager").get(f"/en/programmes/crm-2021/{path}")
        return name, response.content.decode()
    with translation.override("en"):
        if name == "country PDF":
            report = figures.country_report(programme, Country.objects.get(code="MX"))
            return name, documents.country_html(programme, report)
        return name, documents.balance_html(programme)


def by_caption(found: list[dict], caption: str) -> dict:
    matching = [table for table in found if table["caption"] == caption]
    assert len(matching) == 1, [table["caption"] for table in found]
    return matching[0]


def test_profile_and_sex_gender_are_two_tables_each_headed(document, programme):
    name, html = document
    with translation.override("en"):
        if name.startswith("country"):
            nominations = figures.nominations(programme, Country.objects.get(code="MX"))
        else:
            nominations = figures.nominations(programme)
    found = tables(html)

    profile = by_caption(found, "Nominations by profile")
    gender = by_caption(found, "Nominations by sex/gender")

    assert profile["columns"] == [("col", "Profile"), ("col", "Nominations")]
    assert gender["columns"] == [("col", "Sex/gender"), ("col", "Nominations")]
    profiles = [row[0][2] for row in profile["rows"]]
    genders = [row[0][2] for row in gender["rows"]]
    assert profiles == list(nominations["by_profile"])
    assert genders == list(nominations["by_gender"])
    assert genders.count("not given") == 1 and profiles.count("not given") <= 1


def test_every_table_of_the_reports_has_a_caption_and_column_headers(document):
    _name, html = document
    found = tables(html)

    assert found
    for table in found:
        assert table["caption"], table
        assert table["columns"], table["caption"]
        assert all(scope == "col" and label for scope, label in table["columns"]), table
        for row in table["rows"]:
            headers = [cell for cell in row if cell[0] == "th"]
            assert all(scope == "row" for _tag, scope, _text in headers), row


@pytest.mark.pdf
def test_the_pdfs_print_both_tables_with_their_captions(client_as):
    client = client_as("manager")
    for path in ("/reports/MX.pdf", "/balance.pdf"):
        text = " ".join(page_texts(downloaded(client, path)))
        assert "Nominations by profile" in text and "Nominations by sex/gender" in text, path
        assert "Profile Nominations" in text and "Sex/gender Nominations" in text, path

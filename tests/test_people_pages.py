"""The managers' lists with a form on every row (a session's attendance, a course's
completions) come a page at a time, can be searched by name or e-mail, and a form sent from a
page brings the manager back to that page and row."""

from __future__ import annotations

import html
import re

import pytest

from capacita.attendance.models import AttendanceRecord
from capacita.completions.models import CourseCompletion
from capacita.shared import people_pages
from capacita.shared.people_pages import folded, where_it_was

from .attendance.reports import person

pytestmark = pytest.mark.django_db

ATTENDANCE = "/en/programmes/crm-2021/sessions/1/attendance/"
COMPLETIONS = "/en/programmes/crm-2021/courses/migration-trends/"
# Each list's address, the id of its rows and its hand-marking form's other fields.
LISTS = {
    "attendance": (ATTENDANCE, "person", {"status": "excused", "reason": "Medical leave."}),
    "completions": (COMPLETIONS, "participant", {"completed": "yes", "reason": "Certificate."}),
}


@pytest.fixture(autouse=True)
def _short_pages(monkeypatch):
    monkeypatch.setattr(people_pages, "PER_PAGE", 7)


def row_ids(response, prefix: str) -> list[int]:
    return [
        int(pk) for pk in re.findall(rf'<tr class="[^"]*" id="{prefix}-(\d+)">', text(response))
    ]


def text(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("name", LISTS)
def test_a_long_list_comes_a_page_at_a_time_and_every_person_is_on_one(name, client_as, programme):
    url, prefix, _fields = LISTS[name]
    client = client_as("manager")
    first = client.get(url)
    total = int(re.search(r"1–7 of (\d+) people", text(first)).group(1))
    pages = -(-total // 7)
    assert total > 14, "the demo fills at least three pages of seven"
    assert f"Page 1 of {pages}" in text(first)
    assert 'rel="next"' in text(first) and 'rel="prev"' not in text(first)

    seen = []
    for number in range(1, pages + 1):
        page = client.get(url, {"page": number})
        ids = row_ids(page, prefix)
        assert len(ids) == (7 if number < pages else total - 7 * (pages - 1)), number
        seen += ids
    assert len(seen) == len(set(seen)) == total

    last = client.get(url, {"page": pages})
    assert 'rel="next"' not in text(last) and f"Page {pages} of {pages}" in text(last)
    assert row_ids(client.get(url, {"page": pages + 5}), prefix) == row_ids(last, prefix)
    assert row_ids(client.get(url, {"page": "²"}), prefix) == row_ids(first, prefix)


@pytest.mark.parametrize("name", LISTS)
def test_the_search_finds_people_by_name_or_e_mail_whatever_their_accents(
    name, client_as, programme
):
    url, prefix, _fields = LISTS[name]
    jose = person(programme, "jose.pena@example.org", "José", "Peña Núñez")
    maria = person(programme, "m.lopez@example.org", "María", "López")
    client = client_as("manager")

    assert row_ids(client.get(url, {"search": "pena nunez"}), prefix) == [jose.pk]
    assert row_ids(client.get(url, {"search": "  JOSÉ  "}), prefix) == [jose.pk]
    assert row_ids(client.get(url, {"search": "m.lopez@"}), prefix) == [maria.pk]

    nobody = client.get(url, {"search": "zzz-nobody"})
    assert row_ids(nobody, prefix) == []
    assert "Nobody's name or e-mail holds “zzz-nobody”." in html.unescape(text(nobody))

    # Moving between pages keeps the search.
    everyone_at_example = client.get(url, {"search": "example.org"})
    assert 'href="?search=example.org&amp;page=2' in text(everyone_at_example)
    assert 'value="example.org"' in text(everyone_at_example)


def test_the_attendance_summary_counts_everyone_not_only_the_page(client_as, programme):
    response = client_as("manager").get(ATTENDANCE)
    people = int(re.search(r"1–7 of (\d+) people", text(response)).group(1))
    counts = dict(
        re.findall(r"<li>(Present|Absent|Excused|No status yet): (\d+)</li>", text(response))
    )
    assert sum(int(count) for count in counts.values()) == people > 7


@pytest.mark.parametrize("name", LISTS)
def test_a_hand_mark_sent_from_a_later_page_comes_back_to_that_page_and_row(
    name, client_as, programme
):
    url, prefix, fields = LISTS[name]
    client = client_as("manager")
    on_page_3 = row_ids(client.get(url, {"page": 3}), prefix)[0]
    page_fields = re.search(
        r'<input type="hidden" name="page" value="(\d+)">', text(client.get(url, {"page": 3}))
    )
    assert page_fields.group(1) == "3", "each form carries the page it is on"

    response = client.post(f"{url}mark/", {"user": on_page_3, "page": "3", **fields})
    assert response.status_code == 302
    assert response["Location"] == f"{url}?page=3#{prefix}-{on_page_3}"
    assert on_page_3 in row_ids(client.get(response["Location"]), prefix)
    marked = (
        AttendanceRecord.objects.filter(user_id=on_page_3, status="excused")
        if name == "attendance"
        else CourseCompletion.objects.filter(user_id=on_page_3, marked_by__isnull=False)
    )
    assert marked.exists()

    searched = client.post(
        f"{url}mark/", {"user": on_page_3, "page": "1", "search": "a b", **fields}
    )
    assert searched["Location"] == f"{url}?search=a+b#{prefix}-{on_page_3}"


@pytest.mark.parametrize(
    "posted, expected",
    [
        ({}, "/list/#row-1"),
        ({"page": "2"}, "/list/?page=2#row-1"),
        ({"page": "1"}, "/list/#row-1"),
        ({"page": "²"}, "/list/#row-1"),
        ({"page": "-3"}, "/list/#row-1"),
        (
            {"search": " Peña \x00 Núñez ", "page": "4"},
            "/list/?search=Pe%C3%B1a+N%C3%BA%C3%B1ez&page=4#row-1",
        ),
        ({"search": "x" * 500}, "/list/?search=" + "x" * 100 + "#row-1"),
    ],
)
def test_where_it_was_keeps_only_a_tidy_search_and_a_real_page(posted, expected):
    assert where_it_was("/list/", posted, "row-1") == expected


def test_folding_ignores_case_and_accents():
    assert folded("José PEÑA Núñez") == "jose pena nunez"
    assert folded("Ærøskøbing") != folded("aeroskobing")  # letters, not accents: kept


@pytest.mark.parametrize(
    "path, anchor",
    [
        ("/en/programmes/crm-2021/tests/report/", "participants"),
        ("/en/programmes/crm-2021/reports/MX/", "people-title"),
    ],
)
def test_a_search_below_a_reports_figures_opens_at_the_list(client_as, programme, path, anchor):
    """The tests' report and a country's report list their people below their figures: a
    search, and its "Show everyone", land on the list, not on the page's top."""
    searched = text(client_as("manager").get(path, {"search": "zzz"}))
    form = re.search(r'<form method="get"[^>]*role="search"', searched).group(0)
    assert f'action="#{anchor}"' in form
    assert f'<a href="?#{anchor}">' in searched
    assert f'id="{anchor}"' in searched

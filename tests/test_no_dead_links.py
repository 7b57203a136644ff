"""No page offers a link to a page its reader may not open.

For every role, every page of the access matrix the role opens is read, and every link to
this site on it (`<a href>`) is followed as that role, once per role: none may answer 403,
404, 405 or a server error. Redirects are followed on this site (a recording's link may lead
elsewhere: that is not followed). Downloads (PDF, workbooks, calendars) are followed like
pages: together they take a few seconds.
"""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest

from capacita.groupwork.models import SessionWork

from .conftest import ROLES
from .pages import matrix_pages

pytestmark = [pytest.mark.django_db, pytest.mark.sweep]

HOST = "testserver"
DEAD = {403, 404, 405}
MAX_REDIRECTS = 5


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def same_site_links(page_url: str, html: str) -> list[str]:
    """The page's links to this site, as absolute paths with their query, no fragment."""
    parser = _Links()
    parser.feed(html)
    links = []
    for href in parser.hrefs:
        target = urlsplit(urljoin(f"http://{HOST}{page_url}", href.strip()))
        if target.scheme not in ("http", "https") or target.netloc != HOST:
            continue
        links.append(target.path + (f"?{target.query}" if target.query else ""))
    return links


def final_status(client, url: str) -> tuple[int, str]:
    """The status at the end of `url`'s redirects on this site, and the address that gave
    it."""
    for _hop in range(MAX_REDIRECTS):
        response = client.get(url)
        if response.status_code not in (301, 302, 303, 307, 308):
            if response.streaming:
                # Read through the test client, which closes the file without closing the
                # test's database connection (as `close()` would).
                b"".join(response.streaming_content)
            return response.status_code, url
        target = urlsplit(urljoin(f"http://{HOST}{url}", response["Location"]))
        if target.netloc not in ("", HOST):
            return response.status_code, url
        url = target.path + (f"?{target.query}" if target.query else "")
    return response.status_code, url


def test_links_are_read_from_anchors_only_and_stay_on_the_site():
    html = (
        '<a href="/es/a/#x">a</a><a href="b/?q=1">b</a><a href="https://example.org/c">c</a>'
        '<a href="mailto:x@example.org">m</a><a href="#top">t</a><link href="/d.css">'
    )
    assert same_site_links("/es/page/", html) == ["/es/a/", "/es/page/b/?q=1", "/es/page/"]


def dead_links(client, role: str, programme) -> list[str]:
    """The links offered to `role` on its pages of the matrix that it may not open."""
    pages = list(dict.fromkeys(matrix_pages(role, programme)))
    assert pages, role
    linked_from: dict[str, str] = {}
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, f"{role} {page}"
        for link in same_site_links(page, response.content.decode()):
            linked_from.setdefault(link, page)
    dead = []
    for link, page in linked_from.items():
        status, at = final_status(client, link)
        if status in DEAD or status >= 500:
            dead.append(f"{page} → {link}: {status}" + (f" at {at}" if at != link else ""))
    return dead


@pytest.mark.parametrize("role", ROLES)
def test_no_page_links_to_a_page_its_reader_may_not_open(role, client_as, programme):
    dead = dead_links(client_as(role), role, programme)
    assert dead == [], f"{role} is offered links it may not open:\n" + "\n".join(dead)


@pytest.mark.parametrize("role", ["participant", "observer", "facilitator", "focal_point"])
def test_nor_once_the_plenaries_are_open(role, client_as, programme):
    """The plenaries open to the participants: they, and only they, are led to them."""
    SessionWork.objects.filter(session__programme=programme).update(plenary_open=True)
    dead = dead_links(client_as(role), role, programme)
    assert dead == [], f"{role} is offered links it may not open:\n" + "\n".join(dead)

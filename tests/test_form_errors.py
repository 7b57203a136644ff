"""Accessible forms: an error message is tied to its field (the field names it in
`aria-describedby` and is marked `aria-invalid`), and a bilingual passage shown in the other
language than the page's, its own translation missing, declares its language."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from capacita.nominations.models import Nomination

pytestmark = pytest.mark.django_db


class Elements(HTMLParser):
    """Every element's attributes, and the text of the elements that have an id."""

    def __init__(self):
        super().__init__()
        self.attributes: list[dict[str, str]] = []
        self.text_by_id: dict[str, str] = {}
        self._open: list[str | None] = []

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        self.attributes.append({"tag": tag, **attributes})
        if tag not in {"input", "br", "img", "meta", "link", "hr"}:
            self._open.append(attributes.get("id"))
            if attributes.get("id"):
                self.text_by_id[attributes["id"]] = ""

    def handle_endtag(self, tag):
        if self._open:
            self._open.pop()

    def handle_data(self, data):
        for element_id in self._open:
            if element_id:
                self.text_by_id[element_id] += data


def parsed(response) -> Elements:
    elements = Elements()
    elements.feed(response.content.decode())
    return elements


def assert_errors_are_tied_to_their_fields(response, fields):
    elements = parsed(response)
    by_name = {item.get("name"): item for item in elements.attributes if item.get("name")}
    for name in fields:
        field = by_name[name]
        assert field.get("aria-invalid") == "true", name
        described_by = field.get("aria-describedby", "").split()
        error_id = f"{field['id']}_error"
        assert error_id in described_by, (name, described_by)
        assert elements.text_by_id[error_id].strip(), f"{error_id} holds no message"
    # Nothing refers to an element that is not on the page.
    for item in elements.attributes:
        for reference in item.get("aria-describedby", "").split():
            assert reference in elements.text_by_id, reference


@pytest.mark.parametrize("language", ["es", "en"])
def test_the_password_reset_form_ties_its_error_to_the_field(client, language):
    response = client.post(f"/{language}/accounts/password-reset/", {"email": "not an address"})
    assert response.status_code == 200
    assert_errors_are_tied_to_their_fields(response, ["email"])


def test_the_nomination_form_ties_each_error_to_its_field(client_as, programme):
    nomination = Nomination.objects.filter(
        programme=programme, country__code="MX", status=Nomination.Status.SUBMITTED
    ).first()
    client = client_as("focal_point")
    response = client.post(
        f"/en/programmes/{programme.slug}/nominations/mx/{nomination.pk}/edit/",
        {"first_name": "", "last_name": "", "email": "not an address"},
    )
    assert response.status_code == 200
    assert_errors_are_tied_to_their_fields(response, ["first_name", "last_name", "email"])


def test_a_passage_shown_in_the_other_language_declares_it(client, programme):
    programme.title_en = ""
    programme.description_en = ""
    programme.save(update_fields=["title_en", "description_en"])
    page = parsed(client.get(f"/en/programmes/{programme.slug}/"))
    assert len(spanish_passages(page)) >= 2, "the Spanish title and description say so"
    english = parsed(client.get(f"/en/programmes/{programme.slug}/", {"tz": "UTC"}))
    assert next(item for item in english.attributes if item["tag"] == "html")["lang"] == "en"

    programme.title_en = "A programme"
    programme.description_en = "Its description."
    programme.save(update_fields=["title_en", "description_en"])
    page = parsed(client.get(f"/en/programmes/{programme.slug}/"))
    assert spanish_passages(page) == []


def spanish_passages(page: Elements) -> list[dict[str, str]]:
    # The language switcher's link to the Spanish page is in Spanish too, whatever happens.
    return [item for item in page.attributes if item.get("lang") == "es" and "hreflang" not in item]


def test_the_participants_page_marks_sessions_courses_and_tests_shown_in_spanish(
    client_as, programme
):
    session = programme.sessions.get(number=1)
    session.title_en = ""
    session.save(update_fields=["title_en"])
    course = programme.courses.first()
    course.title_en = ""
    course.save(update_fields=["title_en"])
    test = programme.questionnaires.get(kind="pre")
    test.title_en = ""
    test.save(update_fields=["title_en"])
    page = parsed(client_as("participant").get(f"/en/programmes/{programme.slug}/me/"))
    shown = [page.text_by_id.get(item.get("id", ""), "") for item in spanish_passages(page)]
    marked = {item["tag"] for item in spanish_passages(page)}
    assert len(spanish_passages(page)) == 3, (marked, shown)

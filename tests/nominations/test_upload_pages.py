"""The focal point's pages: upload a list, see the verdict on every row, confirm; nominate
one person in a form. Real XLSX and CSV files go through the real views."""

from __future__ import annotations

import html
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from capacita.nominations.models import Nomination, NominationUpload

from .lists import (
    A_DATE,
    HEADER_EN,
    HEADER_ES,
    csv_bytes,
    flash_messages,
    levels,
    person,
    set_quota,
    snapshot,
    statuses,
    xlsx,
)

COUNTRY = "/en/programmes/crm-2021/nominations/{code}/"


@pytest.fixture
def focal_point(client_as, programme):
    """The focal point of Mexico, with room for 10 more people (quota raised to 20)."""
    set_quota(programme, "MX", 20)
    return client_as("focal_point")


def upload(client, content: bytes, filename: str, code: str = "mx"):
    response = client.post(
        COUNTRY.format(code=code) + "upload/",
        {"file": SimpleUploadedFile(filename, content)},
    )
    assert response.status_code == 302, response.content[:500]
    match = re.search(r"/uploads/(\d+)/$", response["Location"])
    assert match, response["Location"]
    return response["Location"]


def text(response) -> str:
    return html.unescape(response.content.decode())


def verdict_rows(response) -> dict[int, str]:
    """Row number → verdict class, as the preview table shows them."""
    return {
        int(number): outcome
        for outcome, number in re.findall(
            r'<tr class="verdict-(\w+)" id="row-(\d+)">', response.content.decode()
        )
    }


def row_html(response, number: int) -> str:
    page = text(response)
    start = page.index(f'id="row-{number}"')
    return page[start : page.index("</tr>", start)]


def can_confirm(response) -> bool:
    """Whether the preview offers to save the list (its form posts back to itself)."""
    return '<form method="post">' in response.content.decode()


def test_the_preview_gives_every_row_its_verdict_before_anything_is_saved(focal_point, programme):
    content = xlsx(
        ["No.", *HEADER_ES[:5], "Fecha", "Observaciones"],
        [
            1,
            "Itzel",
            "Peña Muñoz",
            "Consejera de empleo",
            "Servicio Nacional de Empleo",
            "itzel.pena@example.mx",
            A_DATE,
            "ninguna",
        ],
        [None] * 8,
        [
            2,
            "Íñigo",
            "Ávalos",
            "Enlace con empleadores",
            "STPS",
            "inigo.avalos@example.mx",
            A_DATE,
            None,
        ],
    )
    before = snapshot(programme)

    preview = focal_point.get(upload(focal_point, content, "lista-mexico.xlsx"))

    assert preview.status_code == 200
    assert verdict_rows(preview) == {2: "new", 4: "new"}
    assert "Itzel Peña Muñoz" in row_html(preview, 2)
    assert can_confirm(preview)
    assert snapshot(programme) == before  # nothing saved before confirming


def test_the_preview_names_the_columns_it_does_not_use(focal_point):
    content = xlsx(
        ["No.", *HEADER_ES[:5], "Fecha de nacimiento", "Teléfono"],
        [1, *person(1, "mx")[:5], A_DATE, 5255512345],
    )
    preview = focal_point.get(upload(focal_point, content, "lista.xlsx"))
    match = re.search(r'<p class="note" id="ignored-columns">(.*?)</p>', text(preview), re.S)
    assert match
    assert match.group(1).endswith("No., Fecha de nacimiento, Teléfono")


def test_confirming_saves_the_whole_list(focal_point, programme, users):
    content = csv_bytes(HEADER_ES, person(1, "mx"), person(2, "mx"), separator=";")
    preview_url = upload(focal_point, content, "lista.csv")

    response = focal_point.post(preview_url, follow=True)

    assert response.redirect_chain[-1][0] == COUNTRY.format(code="mx")
    assert levels(response) == ["success"]
    saved = Nomination.objects.filter(
        email__in=["persona.1.mx@example.org", "persona.2.mx@example.org"]
    )
    assert {(n.country.code, n.status, n.submitted_by) for n in saved} == {
        ("MX", "submitted", users["focal_point"])
    }
    assert NominationUpload.objects.get(pk=preview_url.rstrip("/").rsplit("/", 1)[1]).confirmed_at


@pytest.mark.parametrize(
    ("encoding", "separator"),
    [("utf-8-sig", ","), ("cp1252", ";"), ("utf-8", ";")],
    ids=["utf-8-bom-comma", "windows-1252-semicolon", "utf-8-semicolon"],
)
def test_an_uploaded_csv_keeps_accents_and_enye(focal_point, programme, encoding, separator):
    content = csv_bytes(
        HEADER_EN,
        [
            "Ñusta",
            "Ibáñez Peña",
            "Consejera",
            "Secretaría del Trabajo",
            "nusta@example.mx",
            "",
            "",
            "",
        ],
        separator=separator,
        encoding=encoding,
    )
    preview_url = upload(focal_point, content, "lista.csv")
    assert "Ñusta Ibáñez Peña" in row_html(focal_point.get(preview_url), 2)

    focal_point.post(preview_url)

    nusta = Nomination.objects.get(programme=programme, email="nusta@example.mx")
    assert (nusta.first_name, nusta.last_name, nusta.institution) == (
        "Ñusta",
        "Ibáñez Peña",
        "Secretaría del Trabajo",
    )


def test_a_list_with_a_refused_row_is_not_saved_even_when_confirmed(focal_point, programme):
    content = xlsx(
        HEADER_ES,
        person(1, "mx"),
        person(2, "mx", email="correo-sin-arroba"),
        person(3, "mx", email="nominee.gt.01@example.org"),  # Guatemala nominated them
        person(4, "mx", last_name=""),
    )
    before = snapshot(programme)
    preview_url = upload(focal_point, content, "lista.xlsx")

    preview = focal_point.get(preview_url)
    assert verdict_rows(preview) == {2: "new", 3: "refused", 4: "refused", 5: "refused"}
    assert "“correo-sin-arroba” is not a valid e-mail address" in row_html(preview, 3)
    assert "this e-mail is already nominated in this programme" in row_html(preview, 4)
    assert "surname(s) is missing" in row_html(preview, 5)
    assert 'id="refused-note"' in text(preview)
    assert not can_confirm(preview)

    response = focal_point.post(preview_url)  # confirming anyway

    assert response.status_code == 200
    assert snapshot(programme) == before
    assert (
        NominationUpload.objects.get(pk=preview_url.rstrip("/").rsplit("/", 1)[1]).confirmed_at
        is None
    )


def test_the_preview_marks_rows_over_the_quota_for_the_reserve_list(client_as, programme):
    # Mexico's 10 places are taken (6 accepted, 4 submitted).
    focal_point = client_as("focal_point")
    preview_url = upload(focal_point, csv_bytes(HEADER_ES, person(1, "mx")), "lista.csv")

    preview = focal_point.get(preview_url)
    assert verdict_rows(preview) == {2: "reserve"}

    response = focal_point.post(preview_url, follow=True)
    assert levels(response) == ["success"]
    assert Nomination.objects.get(email="persona.1.mx@example.org").status == "reserve"
    assert statuses(programme, "MX") == {"accepted": 6, "submitted": 4, "reserve": 3}


def test_uploading_the_same_file_twice_creates_nothing_new(focal_point, programme):
    content = xlsx(HEADER_ES, person(1, "mx"), person(2, "mx"))
    focal_point.post(upload(focal_point, content, "lista.xlsx"))
    before = snapshot(programme)

    preview_url = upload(focal_point, content, "lista.xlsx")
    assert verdict_rows(focal_point.get(preview_url)) == {2: "unchanged", 3: "unchanged"}
    response = focal_point.post(preview_url, follow=True)

    assert levels(response) == ["success"]
    assert snapshot(programme) == before


def test_confirming_the_same_upload_twice_saves_it_once(focal_point, programme):
    preview_url = upload(focal_point, csv_bytes(HEADER_ES, person(1, "mx")), "lista.csv")
    focal_point.post(preview_url)
    before = snapshot(programme)

    again = focal_point.post(preview_url)

    assert again.status_code == 200
    assert not can_confirm(again)
    assert snapshot(programme) == before


@pytest.mark.parametrize(
    ("content", "filename"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "lista.xls"),
        (b"PK\x03\x04 not really a workbook", "lista.xlsx"),
        ("Nombre;Teléfono\nAna;555\n".encode(), "lista.csv"),
    ],
    ids=["old-excel", "broken-xlsx", "no-required-columns"],
)
def test_a_file_that_is_not_a_list_gets_a_message_and_saves_nothing(
    focal_point, programme, content, filename
):
    before = snapshot(programme)
    preview_url = upload(focal_point, content, filename)

    for response in (focal_point.get(preview_url), focal_point.post(preview_url)):
        assert response.status_code == 200
        assert 'id="file-error"' in text(response)
        assert not can_confirm(response)
    assert snapshot(programme) == before


def test_the_manager_sees_every_country_with_its_counts_against_the_quota(client_as, programme):
    page = text(client_as("manager").get("/en/programmes/crm-2021/nominations/"))
    row = re.search(r'<tr id="country-mx">(.*?)</tr>', page, re.S).group(1)
    cells = re.findall(r"<td>(.*?)</td>", row, re.S)
    # Places, submitted, reserve, accepted, rejected, free places.
    assert [cell.strip() for cell in cells] == ["10", "4", "2", "6", "0", "0"]
    row = re.search(r'<tr id="country-cr">(.*?)</tr>', page, re.S).group(1)
    assert [c.strip() for c in re.findall(r"<td>(.*?)</td>", row, re.S)] == [
        "10",
        "0",
        "0",
        "3",
        "0",
        "7",
    ]


# --- one person at a time ------------------------------------------------------------------


def form_data(n: int, **changes) -> dict:
    data = {
        "first_name": f"Persona {n}",
        "last_name": "Muñoz",
        "position": "Consejera",
        "institution": "STPS",
        "email": f"persona.{n}.mx@example.org",
        "profile": "employment-counsellor",
        "profile_other": "",
        "gender": "",
        "language": "es",
    }
    data.update(changes)
    return data


def test_a_focal_point_nominates_one_person_in_the_form(focal_point, programme):
    response = focal_point.post(COUNTRY.format(code="mx"), form_data(1, language="en"), follow=True)
    [(level, message)] = flash_messages(response)
    assert level == "success"
    assert "Persona 1 Muñoz" in message
    nomination = Nomination.objects.get(email="persona.1.mx@example.org")
    assert (nomination.country.code, nomination.status, nomination.language) == (
        "MX",
        "submitted",
        "en",
    )


def test_the_form_refuses_a_person_already_nominated_by_another_country(focal_point, programme):
    before = snapshot(programme)
    response = focal_point.post(
        COUNTRY.format(code="mx"), form_data(1, email="Nominee.GT.03@example.org")
    )
    assert response.status_code == 200
    assert "this e-mail is already nominated in this programme" in text(response)
    assert snapshot(programme) == before


def test_the_form_nominates_a_person_with_another_profile(focal_point, programme):
    response = focal_point.post(
        COUNTRY.format(code="mx"),
        form_data(1, profile="other", profile_other="Analista del mercado laboral"),
    )
    assert response.status_code == 302, re.findall(r'<div class="error".*?</div>', text(response))
    nomination = Nomination.objects.get(email="persona.1.mx@example.org")
    assert nomination.profile is None
    assert nomination.profile_other == "Analista del mercado laboral"

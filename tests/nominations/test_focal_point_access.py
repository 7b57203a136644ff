"""A focal point sees and changes only their own country's nominations."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from capacita.nominations.models import Nomination, NominationUpload
from capacita.programmes.models import Country

from .lists import HEADER_ES, csv_bytes, person, snapshot

BASE = "/en/programmes/crm-2021/nominations/"


def gt_nominee(programme) -> Nomination:
    return Nomination.objects.filter(programme=programme, country__code="GT").first()


def gt_upload(programme) -> NominationUpload:
    return NominationUpload.objects.create(
        programme=programme,
        country=Country.objects.get(code="GT"),
        uploaded_by=get_user_model().objects.get(email="focal.gt@example.org"),
        filename="guatemala.csv",
        content=csv_bytes(HEADER_ES, person(1, "gt")),
    )


@pytest.fixture
def mexico(client_as):
    return client_as("focal_point")


def test_the_focal_point_of_mexico_cannot_nominate_for_guatemala(mexico, programme):
    before = snapshot(programme)
    response = mexico.post(
        f"{BASE}gt/",
        {
            "first_name": "Ana",
            "last_name": "López",
            "position": "Consejera",
            "institution": "MINTRAB",
            "email": "ana.lopez@example.gt",
            "language": "es",
        },
    )
    assert response.status_code == 403
    assert snapshot(programme) == before


def test_the_focal_point_of_mexico_cannot_upload_guatemalas_list(mexico, programme):
    uploads = NominationUpload.objects.count()
    response = mexico.post(
        f"{BASE}gt/upload/",
        {"file": SimpleUploadedFile("gt.csv", csv_bytes(HEADER_ES, person(1, "gt")))},
    )
    assert response.status_code == 403
    assert NominationUpload.objects.count() == uploads


def test_the_focal_point_of_mexico_cannot_see_or_confirm_guatemalas_upload(mexico, programme):
    stored = gt_upload(programme)
    before = snapshot(programme)
    assert mexico.get(f"{BASE}gt/uploads/{stored.pk}/").status_code == 403
    assert mexico.post(f"{BASE}gt/uploads/{stored.pk}/").status_code == 403
    # Under Mexico's address the upload is not found.
    assert mexico.post(f"{BASE}mx/uploads/{stored.pk}/").status_code == 404
    assert snapshot(programme) == before


def test_the_focal_point_of_mexico_cannot_edit_a_guatemalan_nomination(mexico, programme):
    nominee = gt_nominee(programme)
    data = {
        "first_name": "Cambiado",
        "last_name": nominee.last_name,
        "position": nominee.position,
        "institution": nominee.institution,
        "email": nominee.email,
        "language": "es",
    }
    before = snapshot(programme)
    assert mexico.get(f"{BASE}gt/{nominee.pk}/edit/").status_code == 403
    assert mexico.post(f"{BASE}gt/{nominee.pk}/edit/", data).status_code == 403
    # Nor through Mexico's address.
    assert mexico.post(f"{BASE}mx/{nominee.pk}/edit/", data).status_code == 404
    assert snapshot(programme) == before


def test_the_focal_point_of_mexico_cannot_withdraw_a_guatemalan_nomination(mexico, programme):
    nominee = gt_nominee(programme)
    assert mexico.post(f"{BASE}gt/{nominee.pk}/withdraw/").status_code == 403
    assert mexico.post(f"{BASE}mx/{nominee.pk}/withdraw/").status_code == 404
    assert Nomination.objects.filter(pk=nominee.pk).exists()


def test_guatemalas_people_never_appear_on_mexicos_page(mexico, programme):
    response = mexico.get(f"{BASE}mx/")
    assert response.status_code == 200
    page = response.content.decode()
    others = Nomination.objects.filter(programme=programme).exclude(country__code="MX")
    assert others.filter(country__code="GT").exists()
    for nominee in others:
        assert nominee.email not in page
        assert nominee.last_name not in page
    for nominee in Nomination.objects.filter(programme=programme, country__code="MX"):
        assert nominee.email in page


def test_the_overview_takes_a_focal_point_to_their_own_country(mexico, programme):
    response = mexico.get(BASE)
    assert response.status_code == 302
    assert response["Location"].rstrip("/").endswith("/nominations/mx")

"""The reports' PDFs open as the certificate does: the organisers' logos (read through the
storage), their names, and the programme's title and dates."""

from __future__ import annotations

import io

import pytest
from django.core.files.base import ContentFile
from PIL import Image
from pypdf import PdfReader

from .pdfs import downloaded, flat, page_texts

pytestmark = [pytest.mark.django_db, pytest.mark.pdf]

DOCUMENTS = ["/reports/MX.pdf", "/balance.pdf"]


def png(colour: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (120, 60), colour).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def logos(programme, settings, tmp_path):
    """A logo for each organiser, stored in the private storage of this test."""
    assert str(settings.PRIVATE_MEDIA_ROOT).startswith(str(tmp_path))
    organisers = list(programme.organisers.all())
    assert len(organisers) == 2
    for organiser, colour in zip(organisers, ("navy", "teal"), strict=True):
        organiser.logo.save("logo.png", ContentFile(png(colour)))
    return organisers


@pytest.mark.parametrize("path", DOCUMENTS)
def test_the_first_page_shows_the_organisers_logos(client_as, logos, path):
    data = downloaded(client_as("manager"), path)

    first = PdfReader(io.BytesIO(data)).pages[0]
    assert len(first.images) == len(logos)
    sizes = sorted(image.image.size for image in first.images)
    assert sizes == [(120, 60), (120, 60)]


@pytest.mark.parametrize("path", DOCUMENTS)
def test_the_first_page_names_the_programme_its_dates_and_organisers(client_as, programme, path):
    first = page_texts(downloaded(client_as("manager"), path))[0]

    assert flat(programme.title_en) in first
    assert "From 26 to 29 October 2021" in first
    for organiser in programme.organisers.all():
        assert f"{flat(organiser.name_en)} ({organiser.acronym_en})" in first


def test_in_spanish_the_organisers_and_programme_are_named_in_spanish(client_as, programme):
    client = client_as("manager")
    response = client.get("/es/programmes/crm-2021/reports/MX.pdf")
    first = page_texts(response.content)[0]

    assert flat(programme.title_es) in first
    assert "Del 26 al 29 de octubre de 2021" in first
    for organiser in programme.organisers.all():
        assert f"{flat(organiser.name_es)} ({organiser.acronym_es})" in first


def test_without_logos_no_image_is_embedded(client_as):
    data = downloaded(client_as("manager"), "/reports/MX.pdf")

    assert len(PdfReader(io.BytesIO(data)).pages[0].images) == 0

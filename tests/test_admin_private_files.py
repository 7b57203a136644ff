"""The administration pages of records with private files (recordings, slides, organisers'
logos, signatures, certificates) open, and show the current file by its name without a
public link: a private file has no public address."""

from __future__ import annotations

import io

import pytest
from django.core.files.base import ContentFile
from PIL import Image

from capacita.agenda.models import Slides
from capacita.certificates.models import Certificate, Signatory
from capacita.certificates.services import issue_by_hand


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 10), "navy").save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def with_private_files(programme, users):
    session = programme.sessions.order_by("number").first()
    session.recording_file.save("session-1.mp4", ContentFile(b"\x00" * 64))
    item = session.items.order_by("position").first()
    slides = Slides(item=item, title="Slides", uploaded_by=users["manager"])
    slides.file.save("slides.pdf", ContentFile(b"%PDF-1.4 slides"))
    organiser = programme.organisers.order_by("pk").first()
    organiser.logo.save("logo.png", ContentFile(png()))
    signatory = Signatory(programme=programme, position=1, name="Firma Ficticia")
    signatory.signature.save("signature.png", ContentFile(png()))
    certificate = issue_by_hand(programme, users["participant"], "test", users["manager"])
    return {
        "session": session,
        "item": item,
        "signatory": signatory,
        "certificate": Certificate.objects.get(pk=certificate.pk),
    }


@pytest.mark.parametrize("role", ["manager", "superuser"])
def test_change_pages_with_private_files_open_and_show_names_without_links(
    client_as, programme, with_private_files, role
):
    client = client_as(role)
    pages = {
        f"/en/admin/agenda/virtualsession/{with_private_files['session'].pk}/change/": [
            "session-1"
        ],
        f"/en/admin/agenda/agendaitem/{with_private_files['item'].pk}/change/": ["slides"],
        f"/en/admin/programmes/programme/{programme.pk}/change/": ["logo"],
        f"/en/admin/certificates/signatory/{with_private_files['signatory'].pk}/change/": [
            "signature"
        ],
        f"/en/admin/certificates/certificate/{with_private_files['certificate'].pk}/change/": [
            "certificates/"
        ],
    }
    for path, names in pages.items():
        response = client.get(path)
        assert response.status_code == 200, path
        html = response.content.decode()
        for name in names:
            assert name in html, (path, name)
        # No link to a private file: the media root has no public address.
        assert 'href="/media/' not in html and 'href="None' not in html

"""The certificate's design and signatories edited in the console, and the preview of the PDF
as a holder receives it: made by the same code as the certificates, from what is saved, for a
sample holder, saving nothing."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from capacita.audit.models import AuditEvent
from capacita.certificates.models import Certificate, CertificateDesign, Signatory
from capacita.certificates.pdf import SAMPLE_HOLDER

BASE = "/en/programmes/crm-2021/manage"


def text_of(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def design_data(client, design) -> dict:
    form = client.get(f"{BASE}/certificate-design/{design.pk}/").context["form"]
    return {
        name: ("" if form[name].value() is None else form[name].value()) for name in form.fields
    }


def test_the_design_is_edited_in_both_languages_and_the_preview_follows(client_as, programme):
    client = client_as("manager")
    design, _new = CertificateDesign.objects.get_or_create(programme=programme)
    data = design_data(client, design)
    data.update(title_es="Constancia de participación", title_en="Certificate of participation")
    assert client.post(f"{BASE}/certificate-design/{design.pk}/", data).status_code == 302
    design.refresh_from_db()
    assert design.title_en == "Certificate of participation"
    record = AuditEvent.objects.filter(action=AuditEvent.Action.PROGRAMME_EDITED).last()
    assert record.details["part"] == "certificate-design"
    assert set(record.details["fields"]) == {"title_es", "title_en"}

    page = client.get(f"{BASE}/certificate-design/{design.pk}/").content.decode()
    assert "/manage/certificates/preview.pdf?language=es" in page
    for language, title in (("en", "Certificate of participation"), ("es", "Constancia")):
        response = client.get(f"{BASE}/certificates/preview.pdf?language={language}")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
        text = text_of(response.content)
        assert title in text
        assert "Ejemplo" in text and "0000-0000-0000-0000" in text
    assert not Certificate.objects.exists()


def test_a_placeholder_nobody_replaces_is_told_and_nothing_is_saved(client_as, programme):
    client = client_as("manager")
    design, _new = CertificateDesign.objects.get_or_create(programme=programme)
    before = design.body_es
    data = design_data(client, design)
    data["body_es"] = "por completar el {programa} {dates}"
    response = client.post(f"{BASE}/certificate-design/{design.pk}/", data)
    assert response.status_code == 400
    assert "{programa} is not replaced on the certificates" in response.content.decode()
    design.refresh_from_db()
    assert design.body_es == before


def test_a_programme_without_a_design_adds_one_with_the_usual_text(client_as, programme):
    client = client_as("manager")
    CertificateDesign.objects.filter(programme=programme).delete()
    page = client.get(f"{BASE}/certificate-design/")
    # The preview is there before any design: the usual text.
    assert "/manage/certificates/preview.pdf?language=es" in page.content.decode()
    form = page.context["form"]
    assert form is not None
    assert form["title_en"].value() == "Certificate of achievement"
    data = {
        name: ("" if form[name].value() is None else form[name].value()) for name in form.fields
    }
    assert client.post(f"{BASE}/certificate-design/", data).status_code == 302
    assert CertificateDesign.objects.filter(programme=programme).count() == 1
    # One design a programme: the list takes no second.
    assert client.get(f"{BASE}/certificate-design/").context["form"] is None


def test_signatories_are_added_moved_and_removed(client_as, programme):
    client = client_as("manager")
    response = client.post(
        f"{BASE}/signatories/",
        {
            "name": "Persona Firmante de Ejemplo",
            "job_title_es": "Coordinación",
            "job_title_en": "Coordination",
            "organisation_es": "Secretaría",
            "organisation_en": "Secretariat",
        },
    )
    assert response.status_code == 302
    added = Signatory.objects.get(programme=programme, name="Persona Firmante de Ejemplo")
    order = list(Signatory.objects.filter(programme=programme))
    assert order[-1] == added
    if len(order) > 1:
        client.post(f"{BASE}/signatories/{added.pk}/move/", {"direction": "up"})
        assert list(Signatory.objects.filter(programme=programme))[-2] == added
    preview = client.get(f"{BASE}/certificates/preview.pdf?language=en")
    assert "Persona Firmante de Ejemplo" in text_of(preview.content)
    assert client.post(f"{BASE}/signatories/{added.pk}/remove/").status_code == 302
    assert not Signatory.objects.filter(pk=added.pk).exists()


def test_the_preview_speaks_the_holders_language_of_the_page(client_as, programme):
    response = client_as("manager").get("/es/programmes/crm-2021/manage/certificates/preview.pdf")
    assert response.status_code == 200
    assert SAMPLE_HOLDER in text_of(response.content)
    assert "otorgado a" in text_of(response.content).lower() or "Certificado" in text_of(
        response.content
    )


pytestmark = pytest.mark.pdf

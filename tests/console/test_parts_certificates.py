"""The certificate's design and signatories edited in the console, and the preview of the PDF
as a holder receives it: made by the same code as the certificates, from what is saved, for a
sample holder, marked as a sample across the page, saving nothing."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfReader

from capacita.audit.models import AuditEvent
from capacita.certificates.models import Certificate, CertificateDesign, Signatory
from capacita.certificates.pdf import SAMPLE_HOLDER
from capacita.shared.storage import private_storage

BASE = "/en/programmes/crm-2021/manage"
BASE_ES = "/es/programmes/crm-2021/manage"

pytestmark = pytest.mark.pdf


def text_of(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def edits(programme):
    return AuditEvent.objects.filter(
        programme=programme, action=AuditEvent.Action.PROGRAMME_EDITED
    ).order_by("pk")


def form_data(client, url, skip=()) -> dict:
    form = client.get(url).context["form"]
    return {
        name: ("" if form[name].value() is None else form[name].value())
        for name in form.fields
        if name not in skip
    }


def signatory_data(name: str) -> dict:
    return {
        "name": name,
        "job_title_es": "Coordinación técnica",
        "job_title_en": "Technical coordination",
        "organisation_es": "Secretaría Técnica",
        "organisation_en": "Technical Secretariat",
    }


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (120, 40), "navy").save(buffer, "PNG")
    return buffer.getvalue()


def test_the_design_is_edited_in_both_languages_and_the_preview_follows(client_as, programme):
    client = client_as("manager")
    design, _new = CertificateDesign.objects.get_or_create(programme=programme)
    url = f"{BASE}/certificate-design/{design.pk}/"
    data = form_data(client, url)
    data.update(title_es="Constancia de participación", title_en="Certificate of participation")
    assert client.post(url, data).status_code == 302
    design.refresh_from_db()
    assert (design.title_es, design.title_en) == (
        "Constancia de participación",
        "Certificate of participation",
    )
    record = edits(programme).last()
    assert record.details["part"] == "certificate-design"
    assert record.details["change"] == "changed"
    assert set(record.details["fields"]) == {"title_es", "title_en"}

    # The Spanish pages change it too, with their own record.
    url_es = f"{BASE_ES}/certificate-design/{design.pk}/"
    data = form_data(client, url_es)
    data["body_en"] = "for taking part in the {programme}, {dates}, {hours} hours."
    assert client.post(url_es, data).status_code == 302
    design.refresh_from_db()
    assert design.body_en == "for taking part in the {programme}, {dates}, {hours} hours."
    assert edits(programme).last().details["fields"] == ["body_en"]

    # The item's page leads to the preview, in either language of the console.
    page = client.get(url).content.decode()
    assert "/en/programmes/crm-2021/manage/certificates/preview.pdf?language=es" in page
    assert "Preview in English (PDF)" in page
    page_es = client.get(url_es).content.decode()
    assert "/es/programmes/crm-2021/manage/certificates/preview.pdf?language=en" in page_es
    assert "Vista previa en inglés (PDF)" in page_es

    for language, expected in (
        ("en", ["Certificate of participation", "for taking part in the Training programme"]),
        ("es", ["Constancia de participación"]),
        ("both", ["Constancia de participación", "Certificate of participation"]),
    ):
        response = client.get(f"{BASE}/certificates/preview.pdf?language={language}")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
        assert len(PdfReader(io.BytesIO(response.content)).pages) == 1
        text = text_of(response.content)
        for words in expected:
            assert words in text, (language, words)
        # A sample holder, a code that verifies nothing, and the mark across the page.
        assert SAMPLE_HOLDER in text and "0000-0000-0000-0000" in text
        assert "{programme}" not in text
    assert not Certificate.objects.exists()


def test_the_preview_is_marked_as_a_sample_in_its_languages(client_as, programme):
    client = client_as("manager")
    english = text_of(client.get(f"{BASE}/certificates/preview.pdf?language=en").content)
    assert "SAMPLE · NOT A CERTIFICATE" in english
    assert "MUESTRA" not in english
    spanish = text_of(client.get(f"{BASE}/certificates/preview.pdf?language=es").content)
    assert "MUESTRA · NO ES UN CERTIFICADO" in spanish
    assert "SAMPLE" not in spanish
    both = text_of(client.get(f"{BASE}/certificates/preview.pdf?language=both").content)
    assert "MUESTRA · NO ES UN CERTIFICADO" in both and "SAMPLE · NOT A CERTIFICATE" in both
    # Without a language, or with one it does not know, the page's language.
    response = client.get(f"{BASE_ES}/certificates/preview.pdf?language=fr")
    assert response.status_code == 200
    assert "Certificado de aprovechamiento" in text_of(response.content)
    assert not Certificate.objects.exists()


@pytest.mark.parametrize(
    ("base", "field", "typed", "message"),
    [
        (
            BASE,
            "body_es",
            "por completar el {programa} {dates}",
            "{programa} is not replaced on the certificates: use {programme}, {dates} or {hours}.",
        ),
        (
            BASE_ES,
            "body_en",
            "for the {programme} {date}, {hour} hours",
            "{date}, {hour} no se reemplaza en los certificados",
        ),
        (BASE, "body_en", "for the {programme, {dates}", "A brace has no pair"),
        (BASE_ES, "body_es", "del programme} {dates}", "Una llave no tiene su pareja"),
        (BASE, "title_en", "Certificate of {programme}", "The title is printed as typed"),
    ],
)
def test_a_placeholder_nobody_replaces_is_told_and_nothing_is_saved(
    client_as, programme, base, field, typed, message
):
    client = client_as("manager")
    design, _new = CertificateDesign.objects.get_or_create(programme=programme)
    before = CertificateDesign.objects.filter(pk=design.pk).values().get()
    records = edits(programme).count()
    url = f"{base}/certificate-design/{design.pk}/"
    data = form_data(client, url)
    data.update({field: typed, "title_en": data["title_en"] + " (changed)"})
    if field == "title_en":
        data[field] = typed
    response = client.post(url, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert CertificateDesign.objects.filter(pk=design.pk).values().get() == before
    assert edits(programme).count() == records


def test_a_programme_without_a_design_adds_one_with_the_usual_text(client_as, programme):
    client = client_as("manager")
    CertificateDesign.objects.filter(programme=programme).delete()
    page = client.get(f"{BASE}/certificate-design/")
    # The preview is there before any design: the usual text, nothing created by looking.
    assert "/manage/certificates/preview.pdf?language=es" in page.content.decode()
    preview = client.get(f"{BASE}/certificates/preview.pdf?language=en")
    assert "Certificate of achievement" in text_of(preview.content)
    assert not CertificateDesign.objects.filter(programme=programme).exists()
    form = page.context["form"]
    assert form is not None
    assert form["title_en"].value() == "Certificate of achievement"
    data = {
        name: ("" if form[name].value() is None else form[name].value()) for name in form.fields
    }
    assert client.post(f"{BASE}/certificate-design/", data).status_code == 302
    assert CertificateDesign.objects.filter(programme=programme).count() == 1
    assert edits(programme).last().details["part"] == "certificate-design"
    # One design a programme: the list takes no second.
    assert client.get(f"{BASE}/certificate-design/").context["form"] is None


def test_signatories_are_added_moved_and_removed(client_as, programme):
    client = client_as("manager")
    for name in ("Primera Persona Firmante", "Segunda Persona Firmante"):
        response = client.post(f"{BASE}/signatories/", signatory_data(name))
        assert response.status_code == 302
    first = Signatory.objects.get(programme=programme, name="Primera Persona Firmante")
    second = Signatory.objects.get(programme=programme, name="Segunda Persona Firmante")
    assert list(Signatory.objects.filter(programme=programme))[-2:] == [first, second]
    added = [r for r in edits(programme) if r.details["part"] == "signatories"]
    assert [r.details["change"] for r in added] == ["added", "added"]

    listing = client.get(f"{BASE}/signatories/").content.decode()
    assert "Technical coordination" in listing and "no image of the signature yet" in listing
    listing_es = client.get(f"{BASE_ES}/signatories/").content.decode()
    assert "Coordinación técnica" in listing_es and "sin imagen de la firma" in listing_es

    text = text_of(client.get(f"{BASE}/certificates/preview.pdf?language=both").content)
    assert text.index("Primera Persona Firmante") < text.index("Segunda Persona Firmante")
    assert "Technical Secretariat" in text and "Secretaría Técnica" in text

    assert client.post(f"{BASE}/signatories/{second.pk}/move/", {"direction": "up"}).status_code
    assert list(Signatory.objects.filter(programme=programme))[-2:] == [second, first]
    assert edits(programme).last().details["part"] == "signatories"
    text = text_of(client.get(f"{BASE}/certificates/preview.pdf?language=en").content)
    assert text.index("Segunda Persona Firmante") < text.index("Primera Persona Firmante")

    assert client.post(f"{BASE}/signatories/{first.pk}/remove/").status_code == 302
    assert not Signatory.objects.filter(pk=first.pk).exists()
    assert edits(programme).last().details["change"] == "removed"
    text = text_of(client.get(f"{BASE}/certificates/preview.pdf?language=en").content)
    assert "Primera Persona Firmante" not in text and "Segunda Persona Firmante" in text
    assert not Certificate.objects.exists()


def test_a_signature_is_an_image_kept_private_and_drawn_on_the_preview(client_as, programme):
    client = client_as("manager")
    client.post(f"{BASE}/signatories/", signatory_data("Persona Firmante de Ejemplo"))
    signatory = Signatory.objects.get(programme=programme, name="Persona Firmante de Ejemplo")
    url = f"{BASE}/signatories/{signatory.pk}/"
    data = form_data(client, url, skip=("signature",))
    records = edits(programme).count()

    fake = SimpleUploadedFile("firma.png", b"not an image at all", content_type="image/png")
    refused = client.post(url, {**data, "signature": fake})
    assert refused.status_code == 400
    assert not Signatory.objects.get(pk=signatory.pk).signature
    assert edits(programme).count() == records

    before = PdfReader(
        io.BytesIO(client.get(f"{BASE}/certificates/preview.pdf?language=en").content)
    )
    images_before = len(before.pages[0].images)
    signature = SimpleUploadedFile("firma.png", png(), content_type="image/png")
    assert client.post(url, {**data, "signature": signature}).status_code == 302
    stored = Signatory.objects.get(pk=signatory.pk).signature
    assert stored.name.startswith("signatures/") and stored.name.endswith(".png")
    assert stored.storage is private_storage() or private_storage().exists(stored.name)
    assert edits(programme).last().details["fields"] == ["signature"]
    # The page names the file without an address: it is private.
    page = client.get(url).content.decode()
    assert stored.name in page and "/media/" not in page
    after = PdfReader(
        io.BytesIO(client.get(f"{BASE}/certificates/preview.pdf?language=en").content)
    )
    assert len(after.pages[0].images) == images_before + 1


def test_only_the_programmes_managers_see_the_preview(client_as, programme):
    for role in ("participant", "facilitator", "focal_point", "outsider"):
        assert client_as(role).get(f"{BASE}/certificates/preview.pdf").status_code == 403, role
    assert client_as(None).get(f"{BASE}/certificates/preview.pdf").status_code == 302
    assert not Certificate.objects.exists()

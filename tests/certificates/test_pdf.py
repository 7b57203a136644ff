"""The certificate PDF: what it says, its page, its QR code, its fonts, images and fetcher."""

from __future__ import annotations

import datetime
import io

import pypdf
import pypdfium2 as pdfium
import pytest
import zxingcpp
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image

from capacita.agenda.models import VirtualSession
from capacita.certificates import codes, pdf
from capacita.certificates.models import Certificate, CertificateDesign, Signatory
from capacita.certificates.pdf import (
    certificate_hours,
    render_certificate,
    render_certificates,
)
from capacita.shared.pdf import FONTS_DIR, LocalURLFetcher, URLRefused

pytestmark = pytest.mark.django_db

LONG_NAME = "María José Ñúñez de la Peña Hernández-Quiñónez y Castañeda"
# 27 October 2021, 03:30 UTC: still the 26th in Mexico City, the programme's zone.
ISSUED_AT = datetime.datetime(2021, 10, 27, 3, 30, tzinfo=datetime.UTC)


@pytest.fixture
def participant(users):
    return users["participant"]


def make_certificate(programme, user, *, language="es", holder_name=LONG_NAME, issued_at=None):
    certificate = Certificate.objects.create(
        programme=programme,
        user=user,
        code=codes.new_code(),
        holder_name=holder_name,
        language=language,
        issued_at=issued_at or timezone.now(),
    )
    return Certificate.objects.select_related("user", "programme").get(pk=certificate.pk)


def pdf_text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def flat(text: str) -> str:
    """Text with its line breaks and runs of spaces made single spaces."""
    return " ".join(text.split())


def png(colour: str, size=(60, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="PNG")
    return buffer.getvalue()


def test_it_prints_the_name_title_code_and_issue_date_in_spanish(programme, participant):
    certificate = make_certificate(programme, participant, issued_at=ISSUED_AT)

    text = flat(pdf_text(render_certificate(certificate)))

    assert LONG_NAME in text
    assert flat(programme.title_es) in text
    assert flat(programme.title_en) not in text
    assert "Certificado de aprovechamiento" in text
    assert certificate.formatted_code in text
    # The date in the programme's time zone, in Spanish.
    assert "26 de octubre de 2021" in text
    assert "29 de octubre de 2021" in text


def test_it_prints_english_texts_in_english(programme, participant):
    certificate = make_certificate(programme, participant, language="en", issued_at=ISSUED_AT)

    text = flat(pdf_text(render_certificate(certificate)))

    assert LONG_NAME in text
    assert flat(programme.title_en) in text
    assert flat(programme.title_es) not in text
    assert "Certificate of achievement" in text
    assert "from 26 to 29 October 2021" in text
    assert "Issued on Tuesday 26 October 2021" in text
    assert f"Verify at {certificate.verification_address()}" in text
    assert certificate.formatted_code in text


def test_a_certificate_in_both_languages_carries_both_on_one_page(programme, participant):
    certificate = make_certificate(programme, participant, language="both")

    data = render_certificate(certificate)

    text = flat(pdf_text(data))
    assert flat(programme.title_es) in text
    assert flat(programme.title_en) in text
    assert "Certificado de aprovechamiento" in text
    assert "Certificate of achievement" in text
    assert LONG_NAME in text
    assert len(pypdf.PdfReader(io.BytesIO(data)).pages) == 1


def test_it_is_one_a4_landscape_page(programme, participant):
    certificate = make_certificate(programme, participant)

    reader = pypdf.PdfReader(io.BytesIO(render_certificate(certificate)))

    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert float(box.width) == pytest.approx(841.89, abs=1)
    assert float(box.height) == pytest.approx(595.28, abs=1)


def test_a_very_long_name_and_text_still_fit_on_one_page(programme, participant):
    name = " ".join([LONG_NAME] * 3)
    CertificateDesign.objects.create(
        programme=programme, body_es=CertificateDesign().body_es + " Texto adicional." * 40
    )
    certificate = make_certificate(programme, participant, language="both", holder_name=name)

    data = render_certificate(certificate)

    assert len(pypdf.PdfReader(io.BytesIO(data)).pages) == 1
    assert flat(name) in flat(pdf_text(data))


@pytest.mark.parametrize("language", ["es", "both"])
def test_the_qr_code_holds_the_verification_address(programme, participant, language):
    certificate = make_certificate(programme, participant, language=language)

    page = pdfium.PdfDocument(render_certificate(certificate))[0]
    image = page.render(scale=3).to_pil()
    found = [code for code in zxingcpp.read_barcodes(image) if code.format == zxingcpp.QRCode]

    assert [code.text for code in found] == [certificate.verification_address()]


def test_it_embeds_the_vendored_liberation_fonts(programme, participant):
    certificate = make_certificate(programme, participant)

    page = pypdf.PdfReader(io.BytesIO(render_certificate(certificate))).pages[0]
    fonts = page["/Resources"]["/Font"]
    names = [str(font.get_object()["/BaseFont"]) for font in fonts.values()]

    assert names
    assert all("Liberation" in name for name in names), names


def test_logos_and_signatures_appear_as_images(programme, participant, settings, tmp_path):
    assert str(settings.PRIVATE_MEDIA_ROOT).startswith(str(tmp_path))
    organiser = programme.organisers.first()
    organiser.logo.save("logo.png", ContentFile(png("navy")))
    signatory = Signatory.objects.create(
        programme=programme,
        name="Ana Pérez",
        job_title_es="Directora",
        job_title_en="Chief of Mission",
        organisation_es="OIM",
        organisation_en="IOM",
    )
    signatory.signature.save("signature.png", ContentFile(png("black", (120, 40))))
    certificate = make_certificate(programme, participant, language="both")

    data = render_certificate(certificate)

    assert (tmp_path / "private" / organiser.logo.name).is_file()
    page = pypdf.PdfReader(io.BytesIO(data)).pages[0]
    assert len(page.images) == 2
    text = flat(pdf_text(data))
    assert "Ana Pérez" in text
    assert "Directora" in text
    assert "Chief of Mission" in text


def test_without_images_organisers_show_as_text(programme, participant):
    certificate = make_certificate(programme, participant)

    data = render_certificate(certificate)

    page = pypdf.PdfReader(io.BytesIO(data)).pages[0]
    assert len(page.images) == 0
    text = flat(pdf_text(data))
    for organiser in programme.organisers.all():
        assert organiser.acronym_es in text


def test_user_typed_text_is_printed_as_text(programme, participant):
    CertificateDesign.objects.create(
        programme=programme,
        title_es="<i>Constancia</i>",
        body_es='Por el {programme} <img src="https://example.org/x.png"> {unknown} {0} }{ {',
    )
    certificate = make_certificate(programme, participant, holder_name="<b>Ana</b>")

    data = render_certificate(certificate)

    text = flat(pdf_text(data))
    assert "<b>Ana</b>" in text
    assert "<i>Constancia</i>" in text
    assert '<img src="https://example.org/x.png">' in text
    assert "{unknown} {0} }{ {" in text
    assert f"Por el {flat(programme.title_es)}" in text
    assert len(pypdf.PdfReader(io.BytesIO(data)).pages[0].images) == 0


def test_render_certificates_yields_each_pdf_in_order_with_a_fixed_number_of_queries(
    programme,
):
    User = get_user_model()

    def certificates(count):
        users = [
            User.objects.create_user(f"holder{count}-{i}@example.org", "x") for i in range(count)
        ]
        for i, user in enumerate(users):
            make_certificate(programme, user, holder_name=f"Persona {count}-{i}")
        return Certificate.objects.filter(user__in=users).select_related("user", "programme")

    queries = {}
    results = {}
    for count in (2, 6):
        wanted = certificates(count)
        with CaptureQueriesContext(connection) as context:
            results[count] = list(render_certificates(wanted))
        queries[count] = len(context.captured_queries)

    assert queries[2] == queries[6]
    assert queries[6] <= 6
    expected = list(Certificate.objects.filter(holder_name__startswith="Persona 6-"))
    assert [certificate for certificate, _pdf in results[6]] == expected
    for certificate, data in results[6]:
        assert certificate.holder_name in pdf_text(data)


def test_render_certificates_refuses_certificates_of_two_programmes(programme, participant):
    other = make_certificate(programme, participant)
    other.programme_id = 0
    certificate = make_certificate(programme, get_user_model().objects.create_user("a@b.org", "x"))

    with pytest.raises(ValueError, match="one programme"):
        list(render_certificates([certificate, other]))


@pytest.mark.parametrize(
    "url", ["https://example.org/x.png", "http://127.0.0.1/x.png", "file:///etc/passwd"]
)
def test_the_fetcher_refuses_the_network_and_other_files(url):
    with pytest.raises(URLRefused):
        LocalURLFetcher().fetch(url)


def test_the_fetcher_refuses_to_climb_out_of_the_fonts_folder():
    url = (FONTS_DIR / ".." / "models.py").as_uri()
    with pytest.raises(URLRefused):
        LocalURLFetcher().fetch(url)


def test_the_fetcher_serves_the_fonts_and_data_and_no_private_upload(settings):
    fetcher = LocalURLFetcher()
    font = FONTS_DIR / "LiberationSerif-Regular.ttf"
    private = settings.PRIVATE_MEDIA_ROOT / "certificates" / "someone-else.pdf"
    private.parent.mkdir(parents=True)
    private.write_bytes(b"%PDF-")

    assert fetcher.fetch(font.as_uri()).read() == font.read_bytes()
    assert fetcher.fetch("data:text/plain,hello").read() == b"hello"
    with pytest.raises(URLRefused):
        fetcher.fetch(private.as_uri())


def test_hours_are_the_designs_or_the_sessions_rounded(programme):
    sessions = list(programme.sessions.all())
    scheduled = sum((s.ends_at - s.starts_at for s in sessions), datetime.timedelta())
    assert certificate_hours(programme, CertificateDesign(programme=programme)) == round(
        scheduled / datetime.timedelta(hours=1)
    )
    assert certificate_hours(programme, CertificateDesign(programme=programme, hours=12)) == 12

    VirtualSession.objects.filter(programme=programme).delete()
    start = timezone.now()
    for number, minutes in enumerate([90, 60], start=1):
        VirtualSession.objects.create(
            programme=programme,
            number=number,
            title_es="S",
            title_en="S",
            starts_at=start,
            ends_at=start + datetime.timedelta(minutes=minutes),
        )
    # 2 h 30 min rounds half up.
    assert certificate_hours(programme, CertificateDesign(programme=programme)) == 3


def test_the_body_names_the_programme_dates_and_hours(programme, participant):
    CertificateDesign.objects.create(programme=programme, hours=17)
    certificate = make_certificate(programme, participant, language="en")

    text = flat(pdf_text(render_certificate(certificate)))

    assert "17 hours in all" in text


@pytest.mark.parametrize(
    ("start", "end", "english"),
    [
        ((2021, 10, 26), (2021, 10, 29), "from 26 to 29 October 2021"),
        ((2021, 9, 28), (2021, 10, 2), "from 28 September to 2 October 2021"),
        ((2021, 12, 30), (2022, 1, 2), "from 30 December 2021 to 2 January 2022"),
        ((2021, 10, 26), (2021, 10, 26), "on 26 October 2021"),
    ],
)
def test_programme_dates(programme, start, end, english):
    programme.start_date = datetime.date(*start)
    programme.end_date = datetime.date(*end)

    assert pdf.programme_dates(programme, "en") == english
    spanish = pdf.programme_dates(programme, "es")
    assert spanish.endswith(f"{end[2]} de {'enero' if end[1] == 1 else 'octubre'} de {end[0]}")

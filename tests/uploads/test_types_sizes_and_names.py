"""An upload is judged by its content and its size, never by its name: a file that lies
about its type is refused with a message, a large one is refused before it is read, and a
stored file gets a name of our making."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from capacita.agenda.models import Slides
from capacita.certificates.models import Signatory
from capacita.completions.models import CompletionReport
from capacita.nominations.models import NominationUpload
from capacita.nominations.spreadsheets import SheetError, read_nomination_sheet
from capacita.programmes.models import Organiser
from capacita.shared import uploads

from .files import PDF, jpeg, png, xlsx

HEADER = ["First name", "Surname", "Position", "Institution", "Email"]
ANA = ["Ana", "Pérez", "Analyst", "Ministry", "ana@example.org"]
NOMINATIONS = "/en/programmes/crm-2021/nominations/mx/upload/"
COMPLETIONS = "/en/programmes/crm-2021/courses/migration-trends/upload/"
ATTENDANCE = "/en/programmes/crm-2021/sessions/1/attendance/upload/"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def flash(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# --- Types from content --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (PDF, "pdf"),
        (png(), "png"),
        (jpeg(), "jpeg"),
        (xlsx(HEADER), "xlsx"),
        (b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00", "mp4"),
        (b"a,b\r\n1,2\r\n", "text"),
        (b"\xff\xfea\x00,\x00b\x00", "text"),
        (b"PK\x03\x04 not really a zip", None),
        (b"\x00\x01\x02 binary", None),
    ],
)
def test_the_kind_of_a_file_comes_from_its_content(content, kind):
    assert uploads.sniff(content) == kind


def test_a_pdf_named_xlsx_is_not_read_as_a_list():
    ascii_pdf = PDF  # no NUL byte: it would pass for text if only decoding judged it
    with pytest.raises(SheetError, match="not a text file"):
        read_nomination_sheet("lista.xlsx", ascii_pdf)


def test_the_nominations_upload_refuses_a_pdf_named_xlsx_and_stores_nothing(client_as, demo):
    response = client_as("focal_point").post(
        NOMINATIONS, {"file": SimpleUploadedFile("lista.xlsx", PDF)}, follow=True
    )
    assert response.status_code == 200
    assert flash(response) == ["This file is a PDF document, not a spreadsheet (XLSX or CSV)."]
    assert not NominationUpload.objects.exists()


def test_the_attendance_upload_refuses_a_png_named_csv(client_as, demo):
    response = client_as("manager").post(
        ATTENDANCE,
        {"file": SimpleUploadedFile("zoom.csv", png()), "time_zone": "America/Mexico_City"},
        follow=True,
    )
    assert response.status_code == 200
    assert "This file is a PNG image, not a CSV file." in flash(response)


def test_an_image_field_refuses_a_pdf_named_png(demo):
    organiser = Organiser.objects.filter(programme=demo).first()
    organiser.logo = SimpleUploadedFile("logo.png", PDF)
    with pytest.raises(ValidationError) as refused:
        organiser.full_clean()
    assert refused.value.message_dict["logo"] == [
        "This file is a PDF document, not a PNG or JPEG image."
    ]


def test_slides_must_be_a_pdf_or_a_presentation(demo):
    item = demo.sessions.first().items.first()
    slides = Slides(item=item, title="Slides", file=SimpleUploadedFile("slides.pdf", png()))
    with pytest.raises(ValidationError) as refused:
        slides.full_clean()
    assert refused.value.message_dict["file"] == [
        "This file is a PNG image, not a PDF or PowerPoint (PPTX) file."
    ]
    slides.file = SimpleUploadedFile("slides.png", PDF)
    slides.full_clean()  # a PDF, whatever its name


# --- Sizes ---------------------------------------------------------------------------------


def test_an_image_over_its_limit_is_refused_naming_the_limit(demo, settings):
    settings.UPLOAD_MAX_IMAGE_BYTES = 512 * 1024
    signatory = Signatory(programme=demo, name="A", job_title_es="x", job_title_en="x")
    signatory.organisation_es = signatory.organisation_en = "x"
    big = png() + b"\x00" * (600 * 1024)
    signatory.signature = SimpleUploadedFile("firma.png", big)
    with pytest.raises(ValidationError) as refused:
        signatory.full_clean()
    assert refused.value.message_dict["signature"] == ["This file is too large: at most 0.5 MB."]


def test_an_image_of_too_many_pixels_is_refused(demo):
    organiser = Organiser.objects.filter(programme=demo).first()
    organiser.logo = SimpleUploadedFile("logo.png", png((6000, 5000)))
    with pytest.raises(ValidationError) as refused:
        organiser.full_clean()
    assert "million pixels" in refused.value.message_dict["logo"][0]


def test_a_completion_report_over_the_limit_is_refused_before_it_is_read(
    client_as, demo, settings, monkeypatch
):
    settings.UPLOAD_MAX_SPREADSHEET_BYTES = 512 * 1024

    def read(*args, **kwargs):
        raise AssertionError("the file was read")

    monkeypatch.setattr(uploads, "read_upload", read)
    monkeypatch.setattr(uploads, "sniff", read)
    response = client_as("manager").post(
        COMPLETIONS,
        {"file": SimpleUploadedFile("r.csv", b"a,b\n" * 200_000), "date_order": "dmy"},
        follow=True,
    )
    assert flash(response) == ["This file is too large: at most 0.5 MB."]
    assert not CompletionReport.objects.exists()


def test_read_upload_refuses_a_file_larger_than_it_declared():
    file = SimpleUploadedFile("r.csv", b"x" * 2000)
    file.size = 10  # what a client declared
    with pytest.raises(uploads.UploadError, match="too large"):
        uploads.read_upload(file, 1000)


# --- Names ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("../../x.xlsx", "x.xlsx"),
        ("C:\\Users\\ana\\..\\lista.csv", "lista.csv"),
        ("lista\x00.csv\n", "lista .csv"),
        ("lista\r\nSet-Cookie: a=b.csv", "lista Set-Cookie: a=b.csv"),
        ("\u202egpj.exe", "gpj.exe"),
        ("..", "file"),
        ("", "file"),
        ("a" * 300 + ".xlsx", "a" * 115 + ".xlsx"),
    ],
)
def test_the_name_shown_of_an_upload_has_no_folders_or_control_characters(name, shown):
    assert uploads.display_name(name) == shown


def test_a_stored_file_gets_a_random_name_with_the_extension_of_its_content(demo):
    organiser = Organiser.objects.filter(programme=demo).first()
    organiser.logo = SimpleUploadedFile("../../../etc/evil.html", png())
    organiser.full_clean()
    organiser.save()
    assert re.fullmatch(r"logos/[0-9a-f]{32}\.png", organiser.logo.name)


def test_a_file_saved_by_code_gets_a_random_name_and_only_a_known_extension(demo):
    from django.core.files.base import ContentFile

    organiser = Organiser.objects.filter(programme=demo).first()
    organiser.logo.save("../x.html", ContentFile(png()))
    assert re.fullmatch(r"logos/[0-9a-f]{32}\.bin", organiser.logo.name)
    organiser.logo.save("logo.PNG", ContentFile(png()))
    assert re.fullmatch(r"logos/[0-9a-f]{32}\.png", organiser.logo.name)


def test_the_name_of_an_uploaded_list_is_kept_cleaned_and_shown_escaped(client_as, demo):
    client = client_as("focal_point")
    content = xlsx(HEADER, ANA)
    name = "\u202elista <img src=x onerror=alert(1)>.xlsx"
    response = client.post(NOMINATIONS, {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 302
    stored = NominationUpload.objects.get()
    assert stored.filename == "lista <img src=x onerror=alert(1)>.xlsx"
    page = client.get(response["Location"]).content.decode()
    assert "<img src=x" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page

"""Uploaded files go through Django's storages only: the private files (slides, recordings,
logos, signatures, certificates) live in a local folder by default and in an S3-compatible
bucket when STORAGE_S3_BUCKET is set, so that several application servers share them.

The bucket is moto's in-memory S3; the storage configuration is the one capacita/settings.py
builds from the environment."""

from __future__ import annotations

import io
import os
import runpy

import boto3
import pypdf
import pytest
from django.core.files.base import ContentFile
from moto import mock_aws
from PIL import Image

from capacita import settings as settings_module
from capacita.agenda.models import Slides
from capacita.certificates import services
from capacita.certificates.models import Certificate
from capacita.shared.pdf import image_url
from capacita.shared.storage import PrivateStorage, private_storage
from tests.factories import AgendaItemFactory, OrganiserFactory, UserFactory

BUCKET = "capacita-test"
PROGRAMME = "/en/programmes/crm-2021"
SLIDES = b"%PDF-1.4 slides of the welcome"


def settings_with(monkeypatch, **environment) -> dict:
    """The settings module's names as it computes them under `environment`."""
    for name in list(os.environ):
        if name.startswith("STORAGE_S3_"):
            monkeypatch.delenv(name)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(settings_module.__file__)


def png(colour: str = "navy", size=(60, 30), image_format="PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format=image_format)
    return buffer.getvalue()


def keys(s3) -> list[str]:
    return [item["Key"] for item in s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])]


@pytest.fixture
def bucket(settings, monkeypatch):
    """An S3 bucket behind the "private" storage, as a deployment with STORAGE_S3_BUCKET
    configures it."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    configured = settings_with(
        monkeypatch, STORAGE_S3_BUCKET=BUCKET, STORAGE_S3_REGION="us-east-1"
    )["STORAGES"]
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket=BUCKET)
        # Changing STORAGES is enough: the file fields follow it without being patched.
        settings.STORAGES = {**settings.STORAGES, "private": configured["private"]}
        yield s3


def test_without_s3_settings_private_files_stay_in_a_local_folder(monkeypatch, settings):
    configured = settings_with(monkeypatch)["STORAGES"]

    assert configured["private"]["BACKEND"] == "capacita.shared.storage.PrivateStorage"
    assert configured["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert isinstance(private_storage(), PrivateStorage)
    assert private_storage().location == str(settings.PRIVATE_MEDIA_ROOT)


def test_with_a_bucket_both_storages_are_s3_and_private_files_stay_private(monkeypatch):
    configured = settings_with(
        monkeypatch,
        STORAGE_S3_BUCKET="files",
        STORAGE_S3_PRIVATE_BUCKET="closed",
        STORAGE_S3_ENDPOINT_URL="https://s3.example.org",
    )["STORAGES"]

    s3 = "storages.backends.s3.S3Storage"
    assert configured["default"]["BACKEND"] == configured["private"]["BACKEND"] == s3
    assert configured["default"]["OPTIONS"]["bucket_name"] == "files"
    private = configured["private"]["OPTIONS"]
    assert private["bucket_name"] == "closed"
    assert private["endpoint_url"] == "https://s3.example.org"
    assert private["location"] == "private"
    assert private["default_acl"] == "private"
    assert private["querystring_auth"] is True
    assert private["file_overwrite"] is False


def test_a_bucket_with_acls_disabled_is_sent_no_acl(monkeypatch):
    configured = settings_with(monkeypatch, STORAGE_S3_BUCKET="files", STORAGE_S3_ACL="")
    storages = configured["STORAGES"]

    assert storages["private"]["OPTIONS"]["default_acl"] is None
    assert storages["default"]["OPTIONS"]["default_acl"] is None


def test_slides_are_stored_in_the_bucket_and_served_from_it(bucket, programme, users, client_as):
    item = programme.sessions.get(number=1).items.first()
    slides = Slides(item=item, title="Welcome", uploaded_by=users["facilitator"])
    slides.file.save("welcome.pdf", ContentFile(SLIDES))

    assert f"private/{slides.file.name}" in keys(bucket)
    client = client_as("participant")
    link = client.get(f"{PROGRAMME}/slides/{slides.pk}/")["Location"]
    response = client.get(link)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == SLIDES


def test_a_second_upload_of_the_same_name_keeps_the_first(bucket, db):
    item, speaker = AgendaItemFactory(), UserFactory()
    first = Slides(item=item, title="One", uploaded_by=speaker)
    first.file.save("welcome.pdf", ContentFile(b"one"))
    second = Slides(item=item, title="Two", uploaded_by=speaker)
    second.file.save("welcome.pdf", ContentFile(b"two"))

    assert first.file.name != second.file.name
    assert len(keys(bucket)) == 2


def test_a_certificate_with_a_logo_in_the_bucket_is_rendered_stored_and_served(
    bucket, programme, users, client_as
):
    organiser = programme.organisers.first()
    organiser.logo.save("logo.png", ContentFile(png()))
    assert f"private/{organiser.logo.name}" in keys(bucket)
    assert image_url(organiser.logo).startswith("data:image/png;base64,")

    certificate = services.issue_by_hand(
        programme, users["participant"], "storage test", users["manager"]
    )

    assert f"private/{Certificate.objects.get(pk=certificate.pk).pdf.name}" in keys(bucket)
    response = client_as("participant").get(f"{PROGRAMME}/certificate.pdf")
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    assert len(pypdf.PdfReader(io.BytesIO(data)).pages[0].images) == 1


def test_a_missing_or_unreadable_image_gives_no_url(bucket, db):
    organiser = OrganiserFactory()
    organiser.logo.save("logo.png", ContentFile(png()))
    bucket.delete_object(Bucket=BUCKET, Key=f"private/{organiser.logo.name}")
    assert image_url(organiser.logo) is None

    organiser.logo.save("notes.png", ContentFile(b"not an image"))
    assert image_url(organiser.logo) is None


@pytest.mark.parametrize(
    ("data", "mime_type"),
    [
        (png(), "image/png"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg"),
        (b"GIF89a\x01\x00", "image/gif"),
        (b"RIFF\x10\x00\x00\x00WEBPVP8 ", "image/webp"),
        (b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>', "image/svg+xml"),
        (b"<!-- a logo -->\n<svg xmlns='http://www.w3.org/2000/svg'/>", "image/svg+xml"),
        (png(image_format="BMP"), "image/bmp"),
    ],
)
def test_the_image_type_is_told_by_its_bytes(db, data, mime_type):
    organiser = OrganiserFactory()
    organiser.logo.save("logo.bin", ContentFile(data))

    assert image_url(organiser.logo).startswith(f"data:{mime_type};base64,")

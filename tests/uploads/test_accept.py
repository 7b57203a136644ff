"""`uploads.accept`, shared by the pages that take a report or a list: the person is told why
an upload is refused, and what reads the file runs only on a file the form accepted."""

from __future__ import annotations

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.utils import translation

from capacita.shared import uploads
from capacita.shared.errors import UserError


class Refused(UserError):
    pass


class Unexpected(UserError):
    pass


class UploadForm(forms.Form):
    file = forms.FileField()
    order = forms.CharField()


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def posted(data: dict, files: dict):
    request = RequestFactory().post("/", data)
    request._messages = CookieStorage(request)
    return request, UploadForm(data, files)


def said(request) -> list[str]:
    return [str(message) for message in get_messages(request)]


def csv_file(content: bytes = b"a,b\n1,2\n"):
    return {"file": SimpleUploadedFile("list.csv", content)}


def test_a_valid_upload_is_handed_on_with_its_shown_name_and_content():
    request, form = posted({"order": "dmy"}, {"file": SimpleUploadedFile("../x/r\x07.csv", b"1")})
    result = uploads.accept(request, form, "UPLOAD_MAX_SPREADSHEET_BYTES", lambda *got: got)
    assert result == ("r .csv", b"1")
    assert said(request) == []


def test_without_missing_every_error_of_every_field_is_said():
    request, form = posted({}, {})
    used = []
    result = uploads.accept(request, form, "UPLOAD_MAX_SPREADSHEET_BYTES", used.append)
    assert result is None and used == []
    assert said(request) == ["This field is required.", "This field is required."]


def test_with_missing_only_the_files_own_errors_are_said_else_missing():
    request, form = posted({}, csv_file(b""))
    assert uploads.accept(request, form, "UPLOAD_MAX_SPREADSHEET_BYTES", print, missing="M") is None
    assert said(request) == ["The submitted file is empty."]

    request, form = posted({}, csv_file())  # the file is fine: another field is wrong
    assert uploads.accept(request, form, "UPLOAD_MAX_SPREADSHEET_BYTES", print, missing="M") is None
    assert said(request) == ["M"]


def test_a_file_beyond_its_limit_is_refused_before_it_is_used(settings):
    settings.UPLOAD_MAX_SPREADSHEET_BYTES = 3
    request, form = posted({"order": "dmy"}, csv_file())
    used = []
    assert uploads.accept(request, form, "UPLOAD_MAX_SPREADSHEET_BYTES", used.append) is None
    assert used == []
    assert said(request) == ["This file is too large: at most 0.00 MB."]


def test_a_refusal_of_the_reader_is_said_with_its_problems_and_others_are_not_caught():
    def refuse(name, content):
        raise Refused("Nothing was imported.", ["Row 2: no e-mail.", "Row 3: no name."])

    request, form = posted({"order": "dmy"}, csv_file())
    result = uploads.accept(
        request, form, "UPLOAD_MAX_SPREADSHEET_BYTES", refuse, refused=(Refused,)
    )
    assert result is None
    assert said(request) == ["Nothing was imported.", "Row 2: no e-mail.", "Row 3: no name."]

    def fail(name, content):
        raise Unexpected("not an upload's refusal")

    request, form = posted({"order": "dmy"}, csv_file())
    with pytest.raises(Unexpected):
        uploads.accept(request, form, "UPLOAD_MAX_SPREADSHEET_BYTES", fail, refused=(Refused,))

"""The PDFs made from what people type, with every text at its limit (`tests/worst_case.py`):
each renders and carries every text. How long they take is printed by
`bench/bench_pdf_worst_case.py`, never asserted here."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from capacita.certificates.pdf import render_certificate
from capacita.groupwork.models import GroupQuestion
from capacita.shared import text_limits as limits
from tests import worst_case
from tests.worst_case import end, start

pytestmark = [pytest.mark.django_db, pytest.mark.pdf]

PROGRAMME = "/en/programmes/crm-2021"


def text_of(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def downloaded(client, path: str) -> str:
    response = client.get(PROGRAMME + path)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return text_of(response.content)


def test_the_plenary_at_every_limit_renders_every_text(client_as, programme):
    worst_case.longest_names(programme)
    session_work = worst_case.worst_plenary(programme, 3)

    text = downloaded(client_as("manager"), "/sessions/3/plenary.pdf")

    questions = GroupQuestion.objects.filter(group__session_work=session_work)
    assert questions.count() >= 11  # the case's guiding questions, two or three a group
    for question in questions:
        assert start("answer", question.pk) in text and end("answer", question.pk) in text
    groups = session_work.groups.count()
    for index in range(groups):
        for name in ("needs", "referrals"):
            assert start(name, index) in text and end(name, index) in text
        for number in range(limits.FACTORS_PER_ASSESSMENT):
            note = index * 100 + number
            assert start("note", note) in text and end("note", note) in text


def test_the_balance_at_its_limits_renders_both_texts(client_as, programme):
    worst_case.longest_names(programme)
    worst_case.worst_balance(programme)

    text = downloaded(client_as("manager"), "/balance.pdf")

    for name in ("recommendations", "lessons"):
        assert start(name) in text and end(name) in text


def test_a_country_report_renders_the_longest_names(client_as, programme):
    worst_case.longest_names(programme)

    text = " ".join(downloaded(client_as("manager"), "/reports/MX.pdf").split())

    # Each participant's names start with the same words, at the limit of 150 characters each.
    assert worst_case.words(40) in text


def test_a_certificate_with_the_longest_name_and_text_renders_on_one_page(programme):
    certificate = worst_case.worst_certificate(programme)

    data = render_certificate(certificate)

    assert len(PdfReader(io.BytesIO(data)).pages) == 1
    assert " ".join(certificate.holder_name.split()) in " ".join(text_of(data).split())

import csv
import io
import json

from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from capacita.audit.models import AuditEvent
from capacita.certificates import services as certificates

from .conftest import correction

EVIL = '=HYPERLINK("http://evil.example","clic")'


def download(client, programme, fmt, **params):
    response = client.get(reverse("audit:export", args=[programme.slug, fmt]), params)
    assert response.status_code == 200
    assert f"{programme.slug}-audit.{fmt}" in response["Content-Disposition"]
    return response


def test_csv_has_every_column_and_keeps_typed_text_as_text(
    programme, users, participant, client_as
):
    manager = users["manager"]
    certificate = certificates.issue_by_hand(programme, participant, "Enfermedad", manager)
    certificates.revoke(certificate, EVIL, manager)
    event = AuditEvent.objects.get(action="certificate.revoke")

    response = download(client_as("manager"), programme, "csv")

    assert response["Content-Type"].startswith("text/csv")
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["When (UTC)", f"When ({programme.zone.key})", "Who"]
    assert len(rows) == 3
    revoked = dict(zip(rows[0], rows[1], strict=True))
    assert revoked["When (UTC)"] == event.created_at.isoformat()
    assert revoked["Who"] == manager.get_full_name()
    assert revoked["Action code"] == "certificate.revoke"
    assert revoked["Action"] == "certificate revoked"
    assert revoked["Record type"] == "certificates.certificate"
    assert revoked["Record"] == str(certificate.pk)
    assert revoked["Person concerned"] == f"{participant.get_full_name()} <{participant.email}>"
    assert revoked["Why"] == "'" + EVIL
    assert revoked["Details"] == f"Certificate code: {certificate.formatted_code}"
    assert json.loads(revoked["Details as recorded"]) == {"code": certificate.formatted_code}


def test_csv_follows_the_filters(programme, users, participant, client_as):
    correction(programme, participant, users["manager"], reason="uno")
    correction(programme, participant, users["facilitator"], reason="dos", number=2)

    response = download(client_as("manager"), programme, "csv", person="facilitator")

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row[8] for row in rows[1:]] == ["dos"]


def test_xlsx_reads_back_with_no_formula(programme, users, participant, client_as):
    correction(programme, participant, users["manager"], reason=EVIL)
    correction(programme, participant, users["manager"], reason="+34 600", number=2)

    response = download(client_as("manager"), programme, "xlsx", kind="attendance.corrected")

    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][3:5] == ["Action code", "Action"]
    assert [row[8] for row in rows[1:]] == ["+34 600", EVIL]
    assert rows[1][7] == f"{participant.get_full_name()} <{participant.email}>"
    for row in sheet.iter_rows(min_row=2):
        assert all(cell.data_type == "s" for cell in row)


def action_names_in(content: bytes) -> list[tuple[str, str]]:
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    return [(row[3], row[4]) for row in rows[1:]]


def test_each_action_is_named_as_the_page_names_it_in_the_reader_s_language(
    programme, users, participant, client_as
):
    correction(programme, participant, users["manager"])
    certificate = certificates.issue_by_hand(programme, participant, "Razón", users["manager"])
    certificates.revoke(certificate, "Error", users["manager"])
    client = client_as("manager")

    for language in ("en", "es"):
        url = f"/{language}/programmes/{programme.slug}/audit.csv"
        with translation.override(language):
            names = {event.action: event.get_action_display() for event in AuditEvent.objects.all()}
        named = action_names_in(client.get(url).content)
        assert named and all(name == names[code] for code, name in named)
    assert "certificado revocado" in [name for _code, name in named]


def test_the_actions_names_are_made_once_for_the_file_not_once_per_event(
    programme, users, participant, client_as, monkeypatch
):
    client = client_as("manager")
    displays = []
    display = AuditEvent.get_action_display
    monkeypatch.setattr(
        AuditEvent, "get_action_display", lambda self: displays.append(1) or display(self)
    )
    counts = []
    for number in (1, 2):
        correction(programme, participant, users["manager"], number=number)
        displays.clear()
        download(client, programme, "csv")
        counts.append(len(displays))
    assert counts[0] == counts[1], counts

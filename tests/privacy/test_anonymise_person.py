from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from capacita.attendance.models import AttendanceRecord
from capacita.audit.models import AuditEvent
from capacita.audit.services import audit_record
from capacita.certificates.models import Certificate
from capacita.completions.models import CourseCompletion
from capacita.evaluation.models import Answer, Response
from capacita.evaluation.report import evaluation_report
from capacita.groupwork.models import AnswerVersion
from capacita.privacy.anonymisation import anonymise_person
from capacita.privacy.common import PrivacyError
from capacita.privacy.models import RemovalRequest
from capacita.privacy.removal import request_removal
from capacita.programmes.models import Membership

STATISTICS = (
    "respondents",
    "knowledge",
    "by_country",
    "by_profile",
    "by_gender",
    "items",
    "expectations_satisfaction",
    "scales",
    "choices",
)


def dump() -> str:
    out = StringIO()
    call_command("dumpdata", stdout=out)
    return out.getvalue().lower()


def scores(report) -> dict:
    return {
        line["user_id"]: {k: v for k, v in line.items() if k not in ("name", "email")}
        for line in report["participants"]
    }


def counts(user) -> dict:
    return {
        "responses": Response.objects.filter(user=user).count(),
        "attendance": AttendanceRecord.objects.filter(user=user).count(),
        "completions": CourseCompletion.objects.filter(user=user).count(),
        "memberships": Membership.objects.filter(user=user).count(),
        "certificates": Certificate.objects.filter(user=user, status="valid").count(),
    }


def test_the_dump_names_the_person_before(someone):
    text = dump()
    for trace in someone.traces:
        assert trace.lower() in text


def test_anonymising_keeps_the_statistics(programme, manager, someone):
    before = evaluation_report(programme)
    counted = counts(someone.user)

    anonymise_person(someone.user, manager, "Asked for it")

    after = evaluation_report(programme)
    for part in STATISTICS:
        assert after[part] == before[part], part
    assert scores(after) == scores(before)
    assert counts(someone.user) == counted
    names = {line["name"] for line in after["participants"]}
    assert f"{someone.first_name} {someone.last_name}" not in names
    assert someone.free_text not in str(after["texts"])


def test_anonymising_leaves_no_name_or_email_anywhere(programme, manager, someone):
    anonymise_person(someone.user, manager, "Asked for it")

    text = dump()
    for trace in someone.traces:
        assert trace.lower() not in text, trace


def test_the_account_is_closed_and_the_certificate_file_deleted(manager, someone):
    certificate = Certificate.objects.get(user=someone.user)
    storage, name = certificate.pdf.storage, certificate.pdf.name
    assert storage.exists(name)
    assert AnswerVersion.objects.filter(author=someone.user).exists()

    anonymise_person(someone.user, manager, "Asked for it")

    someone.user.refresh_from_db()
    certificate.refresh_from_db()
    assert not someone.user.is_active
    assert not someone.user.has_usable_password()
    assert someone.user.email == f"anonymised-{someone.user.pk}@invalid.example"
    assert not storage.exists(name)
    assert certificate.status == Certificate.Status.VALID
    assert certificate.holder_name.startswith("Persona anonimizada")
    assert not Answer.objects.filter(response__user=someone.user).exclude(text="").exists()
    someone.nomination.refresh_from_db()
    assert (someone.nomination.country.code, someone.nomination.gender) == ("MX", "woman")
    assert someone.nomination.status == "accepted"
    assert not AnswerVersion.objects.filter(author=someone.user).exists()
    assert AnswerVersion.objects.filter(text="La respuesta del grupo.").exists()


def test_it_is_audited_and_handles_the_request(programme, manager, someone):
    request = request_removal(someone.user, programme, "")

    anonymise_person(someone.user, manager, "Asked for it", programme=programme)

    request.refresh_from_db()
    assert request.handled_by == manager
    event = AuditEvent.objects.get(
        action="privacy.anonymised_person", subject_id=str(someone.user.pk)
    )
    assert event.actor == manager and event.reason == "Asked for it"
    assert RemovalRequest.objects.filter(pk=request.pk, email__contains="invalid.example").exists()


def test_it_needs_a_reason_and_happens_once(manager, someone):
    with pytest.raises(PrivacyError):
        anonymise_person(someone.user, manager, " ")
    anonymise_person(someone.user, manager, "Asked for it")
    with pytest.raises(PrivacyError):
        anonymise_person(someone.user, manager, "Again")


def test_a_manager_anonymises_from_the_page(client_as, programme, someone):
    client = client_as("manager")
    url = reverse("privacy:anonymise_person", args=[programme.slug])

    unconfirmed = client.post(url, {"person-person": someone.user.pk, "person-reason": "Asked"})
    assert unconfirmed.status_code == 400
    someone.user.refresh_from_db()
    assert someone.user.is_active

    response = client.post(
        url, {"person-person": someone.user.pk, "person-reason": "Asked", "person-confirm": "on"}
    )
    assert response.status_code == 302
    someone.user.refresh_from_db()
    assert not someone.user.is_active


def test_with_too_many_people_to_list_the_person_is_given_by_e_mail(
    client_as, programme, someone, users, monkeypatch
):
    """A list of a programme's thousands would weigh megabytes: past the limit, the manager
    types the e-mail address, and an address outside the programme anonymises nobody."""
    from capacita.shared import person_field

    monkeypatch.setattr(person_field, "LIST_LIMIT", 0)
    client = client_as("manager")
    page = client.get(reverse("privacy:overview", args=[programme.slug])).content.decode()
    assert 'type="email" name="person-person"' in page
    assert "<option" not in page.split('id="anonymise-person"')[1].split("</form>")[0]
    url = reverse("privacy:anonymise_person", args=[programme.slug])

    refused = client.post(
        url,
        {
            "person-person": users["outsider"].email,
            "person-reason": "Asked",
            "person-confirm": "on",
        },
    )
    assert refused.status_code == 400
    assert "Nobody of this programme has the e-mail address" in refused.content.decode()
    users["outsider"].refresh_from_db()
    assert users["outsider"].is_active

    response = client.post(
        url,
        {
            "person-person": someone.user.email.upper(),
            "person-reason": "Asked",
            "person-confirm": "on",
        },
    )
    assert response.status_code == 302
    someone.user.refresh_from_db()
    assert not someone.user.is_active


def test_whom_an_event_concerns_keeps_their_name_when_a_namesake_is_anonymised(
    programme, manager, someone
):
    namesake = get_user_model().objects.create_user(
        "namesake@example.org", "x", first_name=someone.first_name, last_name="Otra"
    )
    audit_record(actor=namesake, action="role.granted", subject=someone.user, programme=programme)

    anonymise_person(namesake, manager, "Asked for it")

    event = AuditEvent.objects.get(actor=namesake, action="role.granted")
    assert event.person_name == f"{someone.first_name} {someone.last_name}"
    assert event.person_email == someone.email

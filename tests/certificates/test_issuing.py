"""Who earns a certificate, and issuing, revoking and re-issuing them."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from capacita.audit.models import AuditEvent
from capacita.certificates import services
from capacita.certificates.kept import refresh
from capacita.certificates.models import Certificate
from capacita.certificates.services import Verdict
from capacita.emails.models import OutgoingEmail
from capacita.evaluation.models import Questionnaire, Response
from tests.progress.conftest import attend, complete, complete_everything

pytestmark = pytest.mark.django_db


def standing_of(programme, user):
    return next(row for row in services.standings(programme) if row.user == user)


def test_a_participant_who_did_everything_is_eligible(programme, eligible):
    row = standing_of(programme, eligible)
    assert row.verdict == Verdict.ISSUED and row.reasons == []


@pytest.mark.parametrize(
    "miss, reason",
    [
        ("session 1", "attend virtual session 1 (absent)"),
        ("session 2", "attend virtual session 2 (not yet recorded)"),
        ("session 3", "attend virtual session 3 (excused)"),
        (
            "course",
            "complete the course “Course on Migration Trends in Latin America and the "
            "Caribbean” by its deadline (not completed)",
        ),
        (
            "late course",
            "complete the course “Course on Corporate Responsibility and Labour Migration” "
            "by its deadline (completed after the deadline)",
        ),
    ],
)
def test_missing_any_one_requirement_withholds_the_certificate(
    programme, participant, miss, reason
):
    for number in (1, 2, 3):
        if miss == "session 1" and number == 1:
            attend(programme, participant, 1, status="absent")
        elif miss == "session 3" and number == 3:
            attend(programme, participant, 3, status="excused")
        elif not (miss == "session 2" and number == 2):
            attend(programme, participant, number)
    complete(programme, participant, "corporate-responsibility", late=miss == "late course")
    if miss != "course":
        complete(programme, participant, "migration-trends")

    row = standing_of(programme, participant)

    assert row.verdict == Verdict.NOT_ELIGIBLE
    assert row.reasons == [reason]


def test_a_late_completion_counts_when_the_managers_allow_it(programme, participant):
    for number in (1, 2, 3):
        attend(programme, participant, number)
    complete(programme, participant, "corporate-responsibility", late=True)
    complete(programme, participant, "migration-trends")
    assert standing_of(programme, participant).verdict == Verdict.NOT_ELIGIBLE
    programme.certificate_allows_late_completion = True
    programme.save()
    refresh(programme)
    assert standing_of(programme, participant).verdict == Verdict.ISSUED


def test_the_post_test_is_required_only_when_the_rule_says_so(programme, eligible):
    programme.certificate_requires_post_test = True
    programme.save()
    refresh(programme)
    row = standing_of(programme, eligible)
    assert row.verdict == Verdict.NOT_ELIGIBLE
    assert row.reasons == ["submit the post-test (not submitted)"]
    post = Questionnaire.objects.get(programme=programme, kind="post")
    Response.objects.create(questionnaire=post, user=eligible, submitted_at=timezone.now())
    refresh(programme, [eligible.pk])
    assert standing_of(programme, eligible).verdict == Verdict.ISSUED


def test_observers_are_never_eligible_not_even_by_hand(programme, users):
    observer = users["observer"]
    complete_everything(programme, observer)
    assert observer not in [row.user for row in services.standings(programme)]
    with pytest.raises(services.CertificateError, match="observers never do"):
        services.issue_by_hand(programme, observer, "Asistió a todo", users["manager"])
    assert not Certificate.objects.filter(user=observer).exists()


def test_issuing_creates_stores_records_and_emails_the_certificate(programme, users, eligible):
    manager = users["manager"]
    outcome = services.issue_certificates(programme, manager)

    [certificate] = [c for c in outcome.issued if c.user == eligible]
    assert certificate.is_valid
    assert certificate.holder_name == eligible.get_full_name()
    assert certificate.language == "es"  # the holder's language
    assert certificate.pdf.read().startswith(b"%PDF")
    assert certificate.issued_by == manager
    event = AuditEvent.objects.get(action="certificate.issue", subject_id=str(certificate.pk))
    assert event.actor == manager and event.details["code"] == certificate.formatted_code
    email = OutgoingEmail.objects.get(kind="certificate", to=eligible.email)
    assert email.language == "es"
    assert email.subject.startswith("Su certificado")
    assert certificate.formatted_code in email.body_text
    assert email.attachment_type == "application/pdf"
    assert bytes(email.attachment).startswith(b"%PDF")


def test_the_message_and_the_certificate_follow_the_holders_language(programme, participant_do):
    complete_everything(programme, participant_do)
    [certificate] = services.issue_certificates(programme).issued
    assert certificate.language == "en"
    email = OutgoingEmail.objects.get(kind="certificate", to=participant_do.email)
    assert email.language == "en" and email.subject.startswith("Your certificate")


def test_the_programme_may_issue_in_both_languages(programme, eligible):
    from capacita.certificates.models import CertificateDesign

    CertificateDesign.objects.create(programme=programme, languages="both")
    [certificate] = services.issue_certificates(programme).issued
    assert certificate.language == "both"


def test_issuing_twice_creates_no_second_certificate(programme, eligible):
    first = services.issue_certificates(programme)
    second = services.issue_certificates(programme)
    assert len(first.issued) == 1 and second.issued == []
    assert standing_of(programme, eligible).verdict == Verdict.HAS_ONE
    assert Certificate.objects.filter(user=eligible).count() == 1
    assert OutgoingEmail.objects.filter(kind="certificate", to=eligible.email).count() == 1


def test_the_database_refuses_a_second_valid_certificate(programme, eligible):
    from django.db import IntegrityError, transaction

    [certificate] = services.issue_certificates(programme).issued
    with pytest.raises(IntegrityError), transaction.atomic():
        Certificate.objects.create(
            programme=programme,
            user=eligible,
            code="0" * 16,
            holder_name="x",
            language="es",
            issued_at=timezone.now(),
        )
    assert certificate.is_valid


def test_a_dry_run_saves_nothing(programme, eligible):
    outcome = services.issue_certificates(programme, dry_run=True)
    assert outcome.count(Verdict.ISSUED) == 1 and outcome.issued == []
    assert not Certificate.objects.exists()
    assert not OutgoingEmail.objects.filter(kind="certificate").exists()


def test_by_hand_with_a_reason_as_an_exception(programme, participant, users):
    attend(programme, participant, 1)
    with pytest.raises(services.CertificateError, match="Say why"):
        services.issue_by_hand(programme, participant, "  ", users["manager"])
    certificate = services.issue_by_hand(
        programme, participant, "Enfermedad documentada en la sesión 2", users["manager"]
    )
    assert certificate.by_hand and certificate.reason.startswith("Enfermedad")
    event = AuditEvent.objects.get(action="certificate.issue", subject_id=str(certificate.pk))
    assert event.reason == "Enfermedad documentada en la sesión 2" and event.details["by_hand"]
    with pytest.raises(services.CertificateError, match="already holds"):
        services.issue_by_hand(programme, participant, "otra vez", users["manager"])


def test_a_revoked_certificate_is_not_issued_again_by_the_batch(programme, eligible, users):
    [certificate] = services.issue_certificates(programme).issued
    with pytest.raises(services.CertificateError, match="Say why"):
        services.revoke(certificate, "", users["manager"])
    services.revoke(certificate, "Asistencia registrada por error", users["manager"])
    certificate.refresh_from_db()
    assert certificate.status == "revoked" and certificate.ended_at is not None
    assert AuditEvent.objects.filter(action="certificate.revoke", reason__startswith="Asist")
    assert services.issue_certificates(programme).issued == []
    row = standing_of(programme, eligible)
    assert row.verdict == Verdict.REVOKED
    assert "revoked" in row.reasons[0] and "Asistencia registrada por error" in row.reasons[0]
    with pytest.raises(services.CertificateError, match="Only a valid"):
        services.revoke(certificate, "otra vez", users["manager"])


def test_reissuing_after_a_name_correction_gives_a_new_code(programme, eligible, users):
    [old] = services.issue_certificates(programme).issued
    eligible.last_name = "Núñez de la Peña"
    eligible.save()
    new = services.reissue(old, "Apellido corregido", users["manager"])
    old.refresh_from_db()
    assert old.status == "replaced" and old.replaced_by == new
    assert new.code != old.code and new.is_valid
    assert new.holder_name.endswith("Núñez de la Peña")
    assert AuditEvent.objects.filter(action="certificate.reissue", reason="Apellido corregido")
    assert OutgoingEmail.objects.filter(kind="certificate", to=eligible.email).count() == 2
    with pytest.raises(services.CertificateError, match="already replaced"):
        services.reissue(old, "again", users["manager"])


def test_the_command_says_who_gets_one_and_why_not(programme, eligible, participant_do):
    attend(programme, participant_do, 1)
    out = io.StringIO()
    call_command("issue_certificates", "crm-2021", "--dry-run", stdout=out)
    text = out.getvalue()
    assert f"would issue   {eligible.get_full_name()} <{eligible.email}>" in text
    assert f"not eligible  {participant_do.get_full_name()}" in text
    assert "attend virtual session 2 (not yet recorded)" in text
    assert not Certificate.objects.exists()

    out = io.StringIO()
    call_command("issue_certificates", "crm-2021", stdout=out)
    code = Certificate.objects.get(user=eligible).formatted_code
    assert f"issued        {eligible.get_full_name()} <{eligible.email}>  {code}" in out.getvalue()
    assert "1 issued" in out.getvalue()

    out = io.StringIO()
    call_command("issue_certificates", "crm-2021", stdout=out)
    assert f"has one       {eligible.get_full_name()}" in out.getvalue()
    assert "0 issued, 1 already held" in out.getvalue()

import datetime as dt
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from capacita.audit.models import AuditEvent
from capacita.certificates.kept import refresh
from capacita.evaluation.report import evaluation_report
from capacita.nominations.models import Nomination
from capacita.nominations.services import reject_nominations
from capacita.privacy.anonymisation import anonymise_programme
from capacita.privacy.common import PrivacyError
from capacita.programmes.models import Membership, Programme, Role

from .test_anonymise_person import STATISTICS, scores


def dump() -> str:
    out = StringIO()
    call_command("dumpdata", stdout=out)
    return out.getvalue().lower()


def test_it_is_refused_before_the_end_date(programme, manager, someone):
    programme.end_date = dt.date.today() + dt.timedelta(days=10)
    programme.save()
    with pytest.raises(PrivacyError, match="only after it has ended"):
        anonymise_programme(programme, manager, "Retention passed")
    someone.user.refresh_from_db()
    assert someone.user.email == someone.email


def test_the_page_refuses_before_the_end_date(client_as, programme, someone):
    programme.end_date = dt.date.today() + dt.timedelta(days=10)
    programme.save()
    response = client_as("manager").post(
        reverse("privacy:anonymise_programme", args=[programme.slug]),
        {"programme-reason": "Retention passed", "programme-confirm": "on"},
    )
    assert response.status_code == 400
    assert "only after it has ended" in response.content.decode()
    assert not AuditEvent.objects.filter(action="privacy.anonymised_programme").exists()


def test_it_anonymises_a_finished_programme(programme, manager, users, someone):
    before = evaluation_report(programme)

    outcome = anonymise_programme(programme, manager, "Retention passed")

    after = evaluation_report(programme)
    for part in STATISTICS:
        assert after[part] == before[part], part
    assert scores(after) == scores(before)
    assert outcome.everywhere >= 2
    text = dump()
    for trace in [*someone.traces, users["participant"].email, users["observer"].email]:
        assert trace.lower() not in text, trace
    # Staff keep their accounts.
    assert users["manager"].email in text
    assert AuditEvent.objects.filter(
        action="privacy.anonymised_programme", subject_id=str(programme.pk)
    ).exists()


def test_people_of_another_programme_keep_their_account(programme, manager, someone):
    other = Programme.objects.create(
        slug="other-2022",
        title_es="Otro",
        title_en="Other",
        description_es="-",
        description_en="-",
        general_objective_es="-",
        general_objective_en="-",
        start_date=dt.date(2022, 1, 1),
        end_date=dt.date(2022, 2, 1),
    )
    Membership.objects.create(programme=other, user=someone.user, role=Role.PARTICIPANT)
    refresh(other, [someone.user.pk])

    outcome = anonymise_programme(programme, manager, "Retention passed")

    assert outcome.in_programme == 1
    someone.user.refresh_from_db()
    assert someone.user.email == someone.email and someone.user.is_active
    nomination = Nomination.objects.get(pk=someone.nomination.pk)
    assert someone.last_name not in nomination.last_name
    assert nomination.institution == ""
    assert someone.free_text not in str(evaluation_report(programme)["texts"])


def test_anonymising_twice_changes_nothing_more(programme, manager, someone):
    anonymise_programme(programme, manager, "Retention passed")
    again = anonymise_programme(programme, manager, "Retention passed")
    assert (again.everywhere, again.in_programme) == (0, 0)
    assert get_user_model().objects.filter(pk=someone.user.pk, is_active=False).exists()


def test_the_audit_keeps_no_name_of_a_nominee_who_never_had_an_account(programme, manager):
    nominee = Nomination.objects.create(
        programme=programme,
        country=programme.member_countries.first().country,
        first_name="Griselda",
        last_name="Nunca-Cuenta",
        email="griselda.nunca@example.org",
        position="Orientadora",
        institution="Servicio ficticio",
    )
    reject_nominations([nominee], actor=manager, reason="Outside the profile")
    recorded = AuditEvent.objects.get(subject_id=str(nominee.pk), action="nomination.rejected")
    assert (recorded.person_name, recorded.person_email) == (
        "Griselda Nunca-Cuenta",
        "griselda.nunca@example.org",
    )

    anonymise_programme(programme, manager, "Retention passed")

    recorded.refresh_from_db()
    assert (recorded.person_name, recorded.person_email) == ("", "")
    assert "nunca" not in dump()

"""The case and assessment page, and its forms, for members, other groups and visitors."""

import pytest
from django.urls import reverse

from capacita.case_study.models import AssessedFactor
from capacita.case_study.services import add_factor, assessment_for

pytestmark = pytest.mark.django_db


def url(group, name="assessment", **extra):
    return reverse(
        f"case_study:{name}",
        kwargs={
            "slug": "crm-2021",
            "number": group.session_work.session.number,
            "group_id": group.pk,
            **extra,
        },
    )


@pytest.fixture
def member(client_as):
    """The MX participant, member of group 1 (protection)."""
    return client_as("participant")


@pytest.fixture
def other(users):
    """The DO participant, member of group 2 (inclusion), in a browser of their own."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(email="participant.do@example.org"))
    return client


def test_a_member_adds_a_factor_and_sees_it_in_the_matrix(member, groups):
    group = groups[0]
    response = member.post(
        url(group, "add_factor"),
        {"level": "household", "kind": "risk", "factor": "debts", "note": "Moneylender loan"},
    )
    assert response.status_code == 302 and response["Location"] == url(group) + "#matrix"
    page = member.get(url(group)).content.decode()
    assert "The factor was added to your group&#x27;s assessment." in page
    household = page.split('id="level-household"')[1].split("</tr>")[0]
    risk, protective = household.split('class="protective"')
    assert "Debts" in risk and "Moneylender loan" in risk and "Debts" not in protective
    assert "Remove" in risk


def test_a_refused_factor_comes_back_as_a_message(member, groups):
    group = groups[0]
    member.post(
        url(group, "add_factor"), {"level": "individual", "kind": "risk", "factor": "debts"}
    )
    page = member.get(url(group)).content.decode()
    assert "is a factor of the household and family level, not of the individual level" in page
    assert not AssessedFactor.objects.exists()


def test_a_member_removes_a_factor_and_saves_conclusions(member, groups):
    group = groups[0]
    row = add_factor(assessment_for(group), "community", "protective", custom_name="Parish")
    assert member.post(url(group, "remove_factor", factor_id=row.pk)).status_code == 302
    assert not AssessedFactor.objects.filter(pk=row.pk).exists()
    member.post(url(group, "conclusions"), {"needs": "A formal job", "referrals": "Inspection"})
    group.assessment.refresh_from_db()
    assert (group.assessment.needs, group.assessment.referrals) == ("A formal job", "Inspection")
    page = member.get(url(group)).content.decode()
    assert "Your group&#x27;s conclusions were saved." in page
    assert ">A formal job</textarea>" in page


def test_the_page_has_the_forms_for_members_only(member, other, groups, session_3):
    page = member.get(url(groups[0])).content.decode()
    assert 'name="custom_name"' in page and '<optgroup label="Household and family">' in page
    assert '<th scope="row">Structural</th>' in page and "<caption>" in page
    session_3.plenary_open = True
    session_3.save()
    page = other.get(url(groups[0])).content.decode()
    assert 'name="custom_name"' not in page and "Remove" not in page


def test_another_groups_participant_cannot_write_nor_read_before_the_plenary(
    other, groups, session_3
):
    group = groups[0]
    row = add_factor(assessment_for(group), "community", "risk", factor_code="discrimination")
    for name, kwargs, data in (
        ("add_factor", {}, {"level": "community", "kind": "risk", "custom_name": "Fear"}),
        ("remove_factor", {"factor_id": row.pk}, {}),
        ("conclusions", {}, {"needs": "Other group", "referrals": ""}),
    ):
        assert other.post(url(group, name, **kwargs), data).status_code == 403, name
    assert other.get(url(group)).status_code == 403
    assert list(group.assessment.factors.all()) == [row] and group.assessment.needs == ""
    session_3.plenary_open = True
    session_3.save()
    page = other.get(url(group))
    assert page.status_code == 200 and "Discrimination and xenophobia" in page.content.decode()
    assert other.post(url(group, "remove_factor", factor_id=row.pk)).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client_as, groups):
    client = client_as(None)
    for response in (
        client.get(url(groups[0])),
        client.post(url(groups[0], "add_factor"), {"level": "community", "kind": "risk"}),
    ):
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not AssessedFactor.objects.exists()


def test_the_page_shows_the_case_and_only_the_groups_guiding_questions(member, groups, case):
    page = member.get(url(groups[0])).content.decode()
    assert case.title_en.replace("'", "&#x27;") in page and "This case is fictitious" in page
    assert "Which of Daniela&#x27;s labour and human rights" in page
    assert "Which barriers keep her out of formal employment" not in page  # inclusion
    assert "Which institutions (migration, labour" not in page  # governance
    assert "Which skills and experience does Daniela have" not in page  # employability


def test_the_page_is_in_spanish_for_spanish_urls(member, groups):
    from django.utils import translation

    with translation.override("es"):
        spanish = url(groups[0])
    assert spanish.startswith("/es/")
    page = member.get(spanish).content.decode()
    assert "¿Qué derechos laborales y humanos de Daniela" in page and "ficticio" in page


def test_a_session_without_a_case_has_no_assessment_page(member, groups):
    from capacita.case_study.models import SessionCase

    SessionCase.objects.all().delete()
    assert member.get(url(groups[0])).status_code == 404

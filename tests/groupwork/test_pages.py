"""The group's page, the shared answer through the page, the plenary, the organisers' page."""

import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from capacita.groupwork.models import AnswerVersion, GroupMember, SessionWork

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def session_2(programme):
    return SessionWork.objects.get(session__programme=programme, session__number=2)


@pytest.fixture
def my_group(session_2):
    return GroupMember.objects.get(
        session_work=session_2, user__email="participant.mx@example.org"
    ).group


def group_url(group):
    return reverse(
        "groupwork:group",
        kwargs={
            "slug": "crm-2021",
            "number": group.session_work.session.number,
            "group_id": group.pk,
        },
    )


def answer_url(group, question):
    return reverse(
        "groupwork:save_answer",
        kwargs={
            "slug": "crm-2021",
            "number": group.session_work.session.number,
            "group_id": group.pk,
            "question_id": question.pk,
        },
    )


def test_a_participant_finds_their_group_members_task_and_facilitator(client_as, my_group):
    response = client_as("participant").get("/en/programmes/crm-2021/sessions/2/group/")
    assert response.status_code == 302 and response["Location"] == group_url(my_group)
    content = client_as("participant").get(group_url(my_group)).content.decode()
    assert "Group 1" in content and "Discuss the employment counselling services" in content
    assert "Facilitator: Demo Facilitator" in content
    assert "What capacities exist, and what opportunity areas" in content
    # Members: names, country and institution.
    member = my_group.memberships.exclude(user__email="participant.mx@example.org").first()
    if member:
        assert member.user.get_full_name() in content


def test_the_group_writes_and_a_conflict_shows_both_texts(client_as, my_group):
    question = my_group.questions.first()
    client = client_as("participant")
    saved = client.post(answer_url(my_group, question), {"version": "0", "text": "Primera idea"})
    assert saved.status_code == 302
    page = client.get(group_url(my_group)).content.decode()
    assert "Primera idea" in page and 'name="version" value="1"' in page
    # A second writer still on version 0: told, nothing lost, both texts shown.
    conflict = client.post(answer_url(my_group, question), {"version": "0", "text": "Otra idea"})
    assert conflict.status_code == 409
    content = conflict.content.decode()
    assert "Primera idea" in content and "Otra idea" in content
    assert "merge them and save again" in content
    assert 'name="version" value="1"' in content  # merging saves on top of version 1
    assert AnswerVersion.objects.filter(question=question).count() == 1
    client.post(answer_url(my_group, question), {"version": "1", "text": "Primera idea. Otra idea"})
    assert question.versions.count() == 2


def test_other_groups_open_to_participants_with_the_plenary(client_as, session_2, my_group):
    other = session_2.groups.exclude(pk=my_group.pk).first()
    client = client_as("participant")
    assert client.get(group_url(other)).status_code == 403
    assert client.get("/en/programmes/crm-2021/sessions/2/plenary/").status_code == 403
    session_2.plenary_open = True
    session_2.save()
    assert client.get(group_url(other)).status_code == 200
    # Reading is not writing.
    question = other.questions.first()
    assert (
        client.post(answer_url(other, question), {"version": "0", "text": "x"}).status_code == 403
    )


def test_the_plenary_shows_every_group_side_by_side_and_as_pdf(client_as, session_2, users):
    from capacita.groupwork import services

    for group in session_2.groups.all():
        services.save_answer(
            group.questions.first(), users["participant"], f"Respuesta de {group.name_es}", 0
        )
    content = client_as("facilitator").get("/en/programmes/crm-2021/sessions/2/plenary/").content
    content = content.decode()
    assert "Respuesta de Grupo 1" in content and "Respuesta de Grupo 2" in content
    pdf = client_as("manager").get("/en/programmes/crm-2021/sessions/2/plenary.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    from pypdf import PdfReader

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Respuesta de Grupo 1" in text and "Respuesta de Grupo 2" in text


def test_the_organisers_page_assigns_places_and_opens_the_plenary(client_as, session_2, users):
    client = client_as("manager")
    page = client.get("/en/programmes/crm-2021/sessions/2/groups/").content.decode()
    assert "Assign everyone automatically" in page
    client.post("/en/programmes/crm-2021/sessions/2/groups/assign/")
    group_2 = session_2.groups.get(position=2)
    participant = users["participant"]
    client.post(
        "/en/programmes/crm-2021/sessions/2/groups/place/",
        {"user": participant.pk, "group": group_2.pk},
    )
    assert GroupMember.objects.get(session_work=session_2, user=participant).group == group_2
    client.post("/en/programmes/crm-2021/sessions/2/plenary/toggle/", {"open": "1"})
    session_2.refresh_from_db()
    assert session_2.plenary_open


def test_the_report_holds_the_group_work(session_2, my_group, users):
    from capacita.groupwork import services

    services.save_answer(my_group.questions.first(), users["participant"], "Capacidades y retos", 0)
    out = io.StringIO()
    call_command("report", "crm-2021", "--format", "json", stdout=out)
    group_work = json.loads(out.getvalue())["group_work"]
    assert [session["session"] for session in group_work] == [2, 3]
    session = group_work[0]
    group = next(g for g in session["groups"] if g["name"] == my_group.name_en)
    assert {"email": "participant.mx@example.org", "country": "MX"} in group["members"]
    assert group["answers"][0]["text"] == "Capacidades y retos"
    assert group["answers"][0]["version"] == 1
    assessments = group_work[1]["assessments"]
    assert assessments and assessments[0]["factors"]
    assert {factor["kind"] for factor in assessments[0]["factors"]} == {"risk", "protective"}


def test_placing_in_a_group_that_is_not_one_changes_nothing(client_as, session_2, my_group, users):
    participant = users["participant"]
    response = client_as("manager").post(
        "/en/programmes/crm-2021/sessions/2/groups/place/",
        {"user": participant.pk, "group": "abc"},
    )
    assert response.status_code == 404
    assert GroupMember.objects.get(session_work=session_2, user=participant).group == my_group

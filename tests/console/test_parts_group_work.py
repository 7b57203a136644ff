"""Group work and the case edited in the console: groups by country hold member countries,
each in one group of a session; groups by theme have a perspective; what groups wrote and who
is placed stay; a case shared with other programmes says so."""

from __future__ import annotations

import datetime as dt

from capacita.agenda.models import VirtualSession
from capacita.case_study.models import Case, CaseQuestion, SessionCase
from capacita.groupwork.models import GroupQuestion, SessionWork, WorkGroup
from capacita.programmes.models import Country

from ..other_programme import another_programme

BASE = "/en/programmes/crm-2021/manage"


def studied_elsewhere(case) -> SessionWork:
    """A session of another programme that studies `case` too: its group work."""
    session = VirtualSession.objects.create(
        programme=another_programme(),
        number=1,
        title_es="S",
        title_en="S",
        starts_at=dt.datetime(2031, 1, 1, 15, tzinfo=dt.UTC),
        ends_at=dt.datetime(2031, 1, 1, 17, tzinfo=dt.UTC),
    )
    work = SessionWork.objects.create(session=session, grouping="theme")
    SessionCase.objects.create(session_work=work, case=case)
    return work


def work(programme, number) -> SessionWork:
    return SessionWork.objects.get(session__programme=programme, session__number=number)


def test_a_group_by_country_takes_member_countries_each_once(client_as, programme):
    client = client_as("manager")
    by_country = work(programme, 2)
    assert by_country.grouping == "country"
    url = f"{BASE}/group-work/{by_country.pk}/groups/"
    page = client.get(url)
    offered = set(page.context["form"].fields["countries"].queryset)
    assert offered == set(programme.countries.all())
    taken = by_country.groups.first().countries.first()
    free = programme.countries.exclude(work_groups__session_work=by_country).first()
    data = {"name_es": "Grupo nuevo", "name_en": "New group", "countries": [taken.pk]}
    refused = client.post(url, data)
    assert refused.status_code == 400
    assert "Already in another group of this session" in refused.content.decode()
    none = client.post(url, {"name_es": "Grupo", "name_en": "Group"})
    assert none.status_code == 400
    outsider = Country.objects.exclude(pk__in=programme.countries.all()).first()
    if outsider is not None:
        foreign = client.post(url, {**data, "countries": [outsider.pk]})
        assert foreign.status_code == 400
    assert not WorkGroup.objects.filter(name_en="New group").exists()
    if free is not None:
        assert client.post(url, {**data, "countries": [free.pk]}).status_code == 302
        assert WorkGroup.objects.get(name_en="New group").countries.get() == free


def test_a_group_by_theme_has_a_perspective(client_as, programme):
    client = client_as("manager")
    by_theme = work(programme, 3)
    assert by_theme.grouping == "theme"
    url = f"{BASE}/group-work/{by_theme.pk}/groups/"
    refused = client.post(url, {"name_es": "Tema", "name_en": "Theme"})
    assert refused.status_code == 400
    assert "has a perspective" in refused.content.decode()
    assert (
        client.post(
            url, {"name_es": "Tema", "name_en": "Theme", "perspective": "governance"}
        ).status_code
        == 302
    )


def test_what_groups_hold_stays(client_as, programme):
    client = client_as("manager")
    group = WorkGroup.objects.filter(
        session_work__session__programme=programme, memberships__isnull=False
    ).first()
    assert client.post(f"{BASE}/groups/{group.pk}/remove/").status_code == 400
    assert client.post(f"{BASE}/group-work/{group.session_work.pk}/remove/").status_code == 400
    assert WorkGroup.objects.filter(pk=group.pk).exists()
    question = GroupQuestion.objects.filter(
        group__session_work__session__programme=programme, versions__isnull=False
    ).first()
    if question is not None:
        assert client.post(f"{BASE}/group-questions/{question.pk}/remove/").status_code == 400


def test_a_group_question_added_in_both_languages(client_as, programme):
    client = client_as("manager")
    group = WorkGroup.objects.filter(session_work__session__programme=programme).first()
    response = client.post(
        f"{BASE}/groups/{group.pk}/group-questions/",
        {"text_es": "¿Qué servicios ofrecen?", "text_en": "Which services do you offer?"},
    )
    assert response.status_code == 302
    assert group.questions.filter(text_en="Which services do you offer?").exists()


def test_a_case_and_its_questions_and_who_else_studies_it(client_as, programme):
    client = client_as("manager")
    lists = client.get(f"{BASE}/cases/")
    (case_pk,) = [row[3] for row in lists.context["rows"]]
    case = Case.objects.get(pk=case_pk)
    assert (
        "Shared with other programmes"
        not in client.get(f"{BASE}/cases/{case.pk}/").content.decode()
    )
    # Another programme's session studies the same case: the page names it.
    studied_elsewhere(case)
    page = client.get(f"{BASE}/cases/{case.pk}/").content.decode()
    assert "Shared with other programmes" in page and "Another programme" in page
    form = client.get(f"{BASE}/cases/{case.pk}/").context["form"]
    data = {name: form[name].value() for name in form.fields}
    data["title_en"] = "A case, retitled"
    assert client.post(f"{BASE}/cases/{case.pk}/", data).status_code == 302
    case.refresh_from_db()
    assert case.title_en == "A case, retitled"
    added = client.post(
        f"{BASE}/cases/{case.pk}/case-questions/",
        {"perspective": "inclusion", "text_es": "¿Qué barreras?", "text_en": "Which barriers?"},
    )
    assert added.status_code == 302
    assert CaseQuestion.objects.filter(case=case, text_en="Which barriers?").exists()
    assert client.get(f"{BASE}/cases/").context["form"] is None


def test_the_group_works_page_leads_to_placing_people_and_back(client_as, programme):
    client = client_as("manager")
    by_country = work(programme, 2)
    page = client.get(f"{BASE}/group-work/{by_country.pk}/").content.decode()
    assert "/en/programmes/crm-2021/sessions/2/groups/" in page
    organise = client.get("/en/programmes/crm-2021/sessions/2/groups/").content.decode()
    assert f"/manage/group-work/{by_country.pk}/" in organise

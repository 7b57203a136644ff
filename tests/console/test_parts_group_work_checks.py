"""Group work and the case study edited in the console, in both languages: a session's group
work added only to a session without one; groups by country hold the programme's member
countries, each in one group of the session, and no perspective; groups by theme hold a
perspective and no countries; facilitators come from the programme's facilitators; what
groups placed and wrote stays; a case is edited only from a programme whose sessions study it,
and its pages say when other programmes study it too; every change is audited."""

from __future__ import annotations

import datetime as dt

from capacita.agenda.models import VirtualSession
from capacita.audit.models import AuditEvent
from capacita.case_study.models import Case, CaseQuestion, SessionCase
from capacita.countries.models import Country
from capacita.groupwork.models import AnswerVersion, GroupQuestion, SessionWork, WorkGroup
from capacita.programmes.models import Membership, Role

from .test_parts_group_work import studied_elsewhere

EN = "/en/programmes/crm-2021/manage"
ES = "/es/programmes/crm-2021/manage"


def work(programme, number) -> SessionWork:
    return SessionWork.objects.get(session__programme=programme, session__number=number)


def edits(programme, part):
    return AuditEvent.objects.filter(
        programme=programme, action=AuditEvent.Action.PROGRAMME_EDITED, details__part=part
    ).order_by("pk")


def group_data(group, **changes) -> dict:
    data = {
        "name_es": group.name_es,
        "name_en": group.name_en,
        "task_es": group.task_es,
        "task_en": group.task_en,
        "countries": [country.pk for country in group.countries.all()],
        "perspective": group.perspective,
        "facilitator": group.facilitator_id or "",
    }
    data.update(changes)
    return data


def outsider_country(programme) -> Country:
    country = Country.objects.exclude(pk__in=programme.countries.all()).first()
    return country or Country.objects.create(
        code="ZZ", name_es="Zelandia", name_en="Zeeland", time_zone="UTC"
    )


def test_the_lists_in_both_languages(client_as, programme):
    client = client_as("manager")
    by_country = work(programme, 2)
    english = client.get(f"{EN}/group-work/").content.decode()
    spanish = client.get(f"{ES}/group-work/").content.decode()
    assert by_country.session.title_en in english and "by country" in english
    assert by_country.session.title_es in spanish and "por país" in spanish
    group = by_country.groups.order_by("position").first()
    english = client.get(f"{EN}/group-work/{by_country.pk}/groups/").content.decode()
    spanish = client.get(f"{ES}/group-work/{by_country.pk}/groups/").content.decode()
    assert group.name_en in english and group.name_es not in english
    assert group.name_es in spanish
    # The page of the session's group work leads to placing people, in each language.
    page = client.get(f"{ES}/group-work/{by_country.pk}/").content.decode()
    assert "/es/programmes/crm-2021/sessions/2/groups/" in page


def test_a_group_changed_in_both_languages_and_audited(client_as, programme):
    client = client_as("manager")
    group = work(programme, 2).groups.order_by("position").first()
    before = edits(programme, "groups").count()
    data = group_data(
        group, name_es="Grupo Norte", name_en="North group", task_es="Conversen.", task_en="Talk."
    )
    response = client.post(f"{ES}/groups/{group.pk}/", data)
    assert response.status_code == 302
    group.refresh_from_db()
    assert (group.name_es, group.name_en, group.task_es, group.task_en) == (
        "Grupo Norte",
        "North group",
        "Conversen.",
        "Talk.",
    )
    record = edits(programme, "groups").last()
    assert edits(programme, "groups").count() == before + 1
    assert record.details["change"] == "changed"
    assert set(record.details["fields"]) == {"name_es", "name_en", "task_es", "task_en"}
    # Its countries unchanged are not "in another group": the group keeps them.
    assert client.post(f"{EN}/groups/{group.pk}/", data).status_code == 302


def test_countries_are_the_programmes_member_countries(client_as, programme):
    client = client_as("manager")
    by_country = work(programme, 2)
    url = f"{EN}/group-work/{by_country.pk}/groups/"
    form = client.get(url).context["form"]
    assert set(form.fields["countries"].queryset) == set(programme.countries.all())
    outsider = outsider_country(programme)
    refused = client.post(
        url, {"name_es": "Fuera", "name_en": "Outside", "countries": [outsider.pk]}
    )
    assert refused.status_code == 400
    assert not WorkGroup.objects.filter(name_en="Outside").exists()
    # A group's own page refuses it too.
    group = by_country.groups.first()
    response = client.post(f"{EN}/groups/{group.pk}/", group_data(group, countries=[outsider.pk]))
    assert response.status_code == 400
    assert not group.countries.filter(pk=outsider.pk).exists()


def test_facilitators_are_the_programmes_facilitators(client_as, programme, users):
    client = client_as("manager")
    group = work(programme, 3).groups.first()
    form = client.get(f"{EN}/groups/{group.pk}/").context["form"]
    offered = set(form.fields["facilitator"].queryset)
    assert offered == {
        membership.user
        for membership in Membership.objects.filter(programme=programme, role=Role.FACILITATOR)
    }
    participant = users["participant"]
    assert participant not in offered
    response = client.post(
        f"{EN}/groups/{group.pk}/", group_data(group, facilitator=participant.pk)
    )
    assert response.status_code == 400
    group.refresh_from_db()
    assert group.facilitator_id != participant.pk


def test_a_country_in_two_groups_of_a_session_is_refused(client_as, programme):
    client = client_as("manager")
    by_country = work(programme, 2)
    first, second = by_country.groups.order_by("position")[:2]
    taken = first.countries.order_by("code").first()
    own = list(second.countries.values_list("pk", flat=True))
    before = edits(programme, "groups").count()
    for base, words in ((EN, "Already in another group of this session"), (ES, "Ya están")):
        response = client.post(
            f"{base}/groups/{second.pk}/",
            group_data(second, countries=[*own, taken.pk]),
        )
        assert response.status_code == 400
        page = response.content.decode()
        # The message names the country and the group that has it.
        assert words in page and taken.name in page and first.name in page
    assert not second.countries.filter(pk=taken.pk).exists()
    added = client.post(
        f"{EN}/group-work/{by_country.pk}/groups/",
        {"name_es": "Otro", "name_en": "Another", "countries": [taken.pk]},
    )
    assert added.status_code == 400
    assert not WorkGroup.objects.filter(name_en="Another").exists()
    assert edits(programme, "groups").count() == before
    # Moved out of its group first, the country may join the other one.
    assert (
        client.post(
            f"{EN}/groups/{first.pk}/",
            group_data(first, countries=[c.pk for c in first.countries.exclude(pk=taken.pk)]),
        ).status_code
        == 302
    )
    moved = client.post(
        f"{EN}/groups/{second.pk}/",
        group_data(second, countries=[*own, taken.pk]),
    )
    assert moved.status_code == 302
    assert second.countries.filter(pk=taken.pk).exists()


def test_by_country_countries_and_no_perspective_by_theme_a_perspective(client_as, programme):
    client = client_as("manager")
    by_country, by_theme = work(programme, 2), work(programme, 3)
    group = by_country.groups.first()
    no_countries = client.post(f"{ES}/groups/{group.pk}/", group_data(group, countries=[]))
    assert no_countries.status_code == 400
    assert "organizada por país tiene países" in no_countries.content.decode()
    with_perspective = client.post(
        f"{EN}/groups/{group.pk}/", group_data(group, perspective="governance")
    )
    assert with_perspective.status_code == 400
    assert "has no perspective" in with_perspective.content.decode()
    spanish = client.post(f"{ES}/groups/{group.pk}/", group_data(group, perspective="governance"))
    assert "no tiene perspectiva" in spanish.content.decode()
    group.refresh_from_db()
    assert group.perspective == "" and group.countries.exists()

    themed = by_theme.groups.first()
    no_perspective = client.post(f"{ES}/groups/{themed.pk}/", group_data(themed, perspective=""))
    assert no_perspective.status_code == 400
    assert "tiene una perspectiva" in no_perspective.content.decode()
    member = programme.countries.first()
    with_countries = client.post(
        f"{EN}/groups/{themed.pk}/", group_data(themed, countries=[member.pk])
    )
    assert with_countries.status_code == 400
    assert "leave its countries empty" in with_countries.content.decode()
    themed.refresh_from_db()
    assert themed.perspective and not themed.countries.exists()
    url = f"{EN}/group-work/{by_theme.pk}/groups/"
    assert (
        client.post(url, {"name_es": "T", "name_en": "Theme", "perspective": ""}).status_code == 400
    )
    added = client.post(url, {"name_es": "Tema", "name_en": "Theme", "perspective": "inclusion"})
    assert added.status_code == 302
    assert WorkGroup.objects.get(name_en="Theme", session_work=by_theme).perspective == "inclusion"
    assert edits(programme, "groups").last().details["change"] == "added"


def test_group_work_added_only_to_a_session_without_one(client_as, programme):
    client = client_as("manager")
    free, other = (
        VirtualSession.objects.create(
            programme=programme,
            number=number,
            title_es=f"Sesión libre {number}",
            title_en=f"Free session {number}",
            starts_at=dt.datetime(2031, 1, number, 15, tzinfo=dt.UTC),
            ends_at=dt.datetime(2031, 1, number, 17, tzinfo=dt.UTC),
        )
        for number in (20, 21)
    )
    taken = work(programme, 2)
    page = client.get(f"{EN}/group-work/").content.decode()
    # The sessions with group work are offered, but cannot be chosen.
    assert f'value="{taken.session.pk}" disabled' in page
    assert f'value="{free.pk}" disabled' not in page
    refused = client.post(f"{ES}/group-work/", {"session": taken.session.pk, "grouping": "theme"})
    assert refused.status_code == 400
    assert "ya tiene su trabajo en grupos" in refused.content.decode()
    taken.refresh_from_db()
    assert taken.grouping == "country"
    added = client.post(f"{EN}/group-work/", {"session": free.pk, "grouping": "theme"})
    assert added.status_code == 302
    new = SessionWork.objects.get(session=free)
    assert new.grouping == "theme" and not new.plenary_open
    assert edits(programme, "group-work").last().details["change"] == "added"
    # Its session changes while it has no groups; with groups, it stays with its session.
    moved = client.post(f"{EN}/group-work/{new.pk}/", {"session": other.pk, "grouping": "theme"})
    assert moved.status_code == 302
    assert SessionWork.objects.get(pk=new.pk).session == other
    onto_taken = client.post(
        f"{EN}/group-work/{new.pk}/", {"session": taken.session_id, "grouping": "theme"}
    )
    assert onto_taken.status_code == 400
    assert "has its group work already" in onto_taken.content.decode()
    stays = client.post(f"{EN}/group-work/{taken.pk}/", {"session": free.pk, "grouping": "theme"})
    assert stays.status_code == 400
    assert "the group work stays with it" in stays.content.decode()
    assert SessionWork.objects.get(pk=taken.pk).session_id == taken.session_id
    # The plenary opened from the console.
    opened = client.post(
        f"{EN}/group-work/{taken.pk}/",
        {"session": taken.session_id, "grouping": "country", "plenary_open": "on"},
    )
    assert opened.status_code == 302
    taken.refresh_from_db()
    assert taken.plenary_open
    record = edits(programme, "group-work").last()
    assert record.details["change"] == "changed" and record.details["fields"] == ["plenary_open"]


def test_what_groups_placed_and_wrote_stays(client_as, programme, users):
    client = client_as("manager")
    group = work(programme, 3).groups.order_by("position").first()
    question = group.questions.order_by("position").first()
    if question is None:
        question = GroupQuestion.objects.create(group=group, text_es="¿P?", text_en="Q?")
    AnswerVersion.objects.create(question=question, number=99, text="Ours.", author=None)
    page = client.get(f"{ES}/group-questions/{question.pk}/remove/")
    assert "El grupo ha respondido esta pregunta" in page.content.decode()
    assert client.post(f"{EN}/group-questions/{question.pk}/remove/").status_code == 400
    assert GroupQuestion.objects.filter(pk=question.pk).exists()
    assert client.post(f"{EN}/groups/{group.pk}/remove/").status_code == 400
    assert client.post(f"{EN}/group-work/{group.session_work_id}/remove/").status_code == 400
    assert WorkGroup.objects.filter(pk=group.pk).exists()
    assert not edits(programme, "group-questions").filter(details__change="removed").exists()
    # A question nobody answered goes, audited.
    spare = GroupQuestion.objects.create(
        group=group, position=50, text_es="¿Otra?", text_en="Other?"
    )
    assert client.post(f"{EN}/group-questions/{spare.pk}/remove/").status_code == 302
    assert not GroupQuestion.objects.filter(pk=spare.pk).exists()
    assert edits(programme, "group-questions").last().details["change"] == "removed"


def test_a_group_question_changed_in_both_languages(client_as, programme):
    client = client_as("manager")
    group = work(programme, 2).groups.first()
    url = f"{ES}/groups/{group.pk}/group-questions/"
    assert client.post(url, {"text_es": "¿Qué?", "text_en": "What?"}).status_code == 302
    question = group.questions.get(text_en="What?")
    listed = client.get(url).content.decode()
    assert "¿Qué?" in listed
    response = client.post(
        f"{EN}/group-questions/{question.pk}/", {"text_es": "¿Cuál?", "text_en": "Which?"}
    )
    assert response.status_code == 302
    question.refresh_from_db()
    assert (question.text_es, question.text_en) == ("¿Cuál?", "Which?")
    assert "Which?" in client.get(f"{EN}/groups/{group.pk}/group-questions/").content.decode()
    too_long = client.post(
        f"{EN}/group-questions/{question.pk}/", {"text_es": "x" * 5000, "text_en": "Which?"}
    )
    assert too_long.status_code == 400


def studied_case(programme) -> Case:
    return Case.objects.get(sessions__session_work__session__programme=programme)


def test_the_case_and_its_questions_edited_in_both_languages(client_as, programme):
    client = client_as("manager")
    case = studied_case(programme)
    assert case.title_es in client.get(f"{ES}/cases/").content.decode()
    assert "shared with 1" not in client.get(f"{EN}/cases/").content.decode()
    form = client.get(f"{EN}/cases/{case.pk}/").context["form"]
    data = {name: form[name].value() for name in form.fields}
    data.update(title_es="Un caso nuevo", title_en="A new case", story_es="Érase…")
    assert client.post(f"{ES}/cases/{case.pk}/", data).status_code == 302
    case.refresh_from_db()
    assert (case.title_es, case.title_en, case.story_es) == (
        "Un caso nuevo",
        "A new case",
        "Érase…",
    )
    record = edits(programme, "cases").last()
    assert record.details["change"] == "changed"
    assert set(record.details["fields"]) == {"title_es", "title_en", "story_es"}
    # Cases are not added nor removed from a programme's console.
    assert client.post(f"{EN}/cases/", data).status_code == 404
    assert client.get(f"{EN}/cases/{case.pk}/remove/").status_code == 404
    question = case.questions.order_by("perspective", "position").first()
    changed = client.post(
        f"{EN}/case-questions/{question.pk}/",
        {"perspective": question.perspective, "text_es": "¿Por qué?", "text_en": "Why?"},
    )
    assert changed.status_code == 302
    question.refresh_from_db()
    assert (question.text_es, question.text_en) == ("¿Por qué?", "Why?")
    assert edits(programme, "case-questions").last().details["change"] == "changed"


def test_a_shared_case_says_so_and_another_programmes_case_is_out_of_reach(client_as, programme):
    client = client_as("manager")
    case = studied_case(programme)
    other_work = studied_elsewhere(case)
    assert "shared with 1 other programme" in client.get(f"{EN}/cases/").content.decode()
    assert "compartido con 1 programa más" in client.get(f"{ES}/cases/").content.decode()
    page = client.get(f"{ES}/cases/{case.pk}/").content.decode()
    assert "Compartido con otros programas" in page and "Otro programa" in page
    question = case.questions.first()
    page = client.get(f"{EN}/case-questions/{question.pk}/").content.decode()
    assert "Shared with other programmes" in page and "Another programme" in page
    # A case only the other programme studies is not this programme's to edit.
    own = Case.objects.create(
        code="theirs", title_es="Suyo", title_en="Theirs", story_es="-", story_en="-"
    )
    SessionCase.objects.filter(session_work=other_work).update(case=own)
    theirs_question = CaseQuestion.objects.create(
        case=own, perspective="inclusion", text_es="¿?", text_en="?"
    )
    assert client.get(f"{EN}/cases/{own.pk}/").status_code == 404
    assert (
        client.post(
            f"{EN}/cases/{own.pk}/",
            {"title_es": "X", "title_en": "X", "story_es": "X", "story_en": "X"},
        ).status_code
        == 404
    )
    assert client.get(f"{EN}/case-questions/{theirs_question.pk}/").status_code == 404
    assert client.get(f"{EN}/cases/{own.pk}/case-questions/").status_code == 404
    own.refresh_from_db()
    assert own.title_en == "Theirs"
    assert "Theirs" not in client.get(f"{EN}/cases/").content.decode()

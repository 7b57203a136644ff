"""The managers' lists of people in a programme of thousands — the certificates page, the
board, a session's groups — come a hundred a page, searched and filtered, with the counts of
everyone above, read from the kept progress."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model

from capacita.certificates.rule import participants, progress_of
from capacita.certificates.selectors import Verdict
from capacita.certificates.services import standings
from capacita.development.scale import MANAGER_EMAIL, add_generated_programme
from capacita.evaluation.report import evaluation_report
from capacita.groupwork.models import GroupMember, SessionWork

SIZE = 130


@pytest.fixture
def generated(db):
    programme = add_generated_programme(SIZE)
    client_user = get_user_model().objects.get(email=MANAGER_EMAIL)
    return programme, client_user


def rows_of(content: str, prefix: str) -> list[str]:
    return re.findall(rf'id="{prefix}-(\d+)"', content)


def test_the_certificates_page_counts_everyone_and_lists_a_hundred(client, generated):
    programme, manager = generated
    client.force_login(manager)
    url = f"/en/programmes/{programme.slug}/certificates/"
    page = client.get(url)
    counts = page.context["counts"]
    assert sum(counts.values()) == SIZE
    expected = dict.fromkeys(Verdict.ALL, 0)
    for row in standings(programme):
        expected[row.verdict] += 1
    assert counts == expected
    assert len(rows_of(page.content.decode(), "standing")) == 100
    second = client.get(url, {"page": 2}).content.decode()
    assert len(rows_of(second, "standing")) == SIZE - 100

    for verdict in Verdict.ALL:
        shown = client.get(url, {"show": verdict})
        assert shown.context["shown"].page.paginator.count == counts[verdict]
        assert {row.verdict for row in shown.context["rows"]} <= {verdict}

    someone = participants(programme)[7].user
    found = client.get(url, {"search": someone.email.upper()}).content.decode()
    assert rows_of(found, "standing") == [str(someone.pk)]


def test_the_board_counts_by_the_kept_progress_and_searches(client, generated):
    programme, manager = generated
    client.force_login(manager)
    url = f"/en/programmes/{programme.slug}/board/"
    page = client.get(url)
    complete = sum(row.is_complete for row in progress_of(programme, participants(programme)))
    assert page.context["counts"] == {
        "everyone": SIZE,
        "complete": complete,
        "incomplete": SIZE - complete,
    }
    assert len(rows_of(page.content.decode(), "participant")) == 100
    only = client.get(url, {"status": "complete"})
    assert only.context["shown"].page.paginator.count == complete
    assert all(row.is_complete for row in only.context["rows"])
    someone = participants(programme)[3].user
    found = client.get(url, {"search": someone.last_name, "status": ""}).content.decode()
    assert rows_of(found, "participant") == [str(someone.pk)]
    # The links between pages keep the filters and the search.
    everyone = client.get(url, {"search": "Ficticia", "status": "incomplete"}).content.decode()
    if SIZE - complete > 100:
        assert 'href="?status=incomplete&amp;search=Ficticia&amp;page=2#board"' in everyone
    assert (
        'href="?search=Ficticia&amp;page=2#board"'
        in client.get(url, {"search": "Ficticia"}).content.decode()
    )


def test_the_groups_page_lists_by_group_and_moves_people_back_to_where_they_were(client, generated):
    programme, manager = generated
    client.force_login(manager)
    work = SessionWork.objects.get(session__programme=programme, session__number=3)
    url = f"/en/programmes/{programme.slug}/sessions/3/groups/"
    page = client.get(url)
    counts = page.context["counts"]
    assert counts["everyone"] == SIZE
    assert sum(counts["groups"].values()) + counts["unplaced"] == SIZE
    first = work.groups.order_by("position").first()
    in_first = client.get(url, {"group": first.pk})
    members = set(GroupMember.objects.filter(group=first).values_list("user_id", flat=True))
    listed = {row.user_id for row in in_first.context["shown"].page.object_list}
    assert listed == members

    someone = next(iter(members))
    other = work.groups.exclude(pk=first.pk).first()
    moved = client.post(
        f"{url}place/",
        {"user": someone, "group": other.pk, "group_filter": first.pk, "search": "ficticia"},
    )
    assert moved.status_code == 302
    assert moved["Location"] == f"{url}?group={first.pk}&search=ficticia#people"
    assert GroupMember.objects.get(session_work=work, user_id=someone).group == other
    nobody = client.get(url, {"group": "none"})
    assert nobody.context["shown"].page.paginator.count == nobody.context["counts"]["unplaced"]


def test_the_tests_report_lists_a_hundred_participants_and_a_hundred_answers_each(
    client, generated
):
    programme, manager = generated
    client.force_login(manager)
    url = f"/en/programmes/{programme.slug}/tests/report/"
    page = client.get(url)
    shown = page.context["shown"]
    assert shown.page.paginator.count == SIZE
    assert len(page.context["participants"]) == 100
    someone = participants(programme)[5].user
    found = client.get(url, {"search": someone.email})
    assert [person["user_id"] for person in found.context["participants"]] == [someone.pk]
    written = [len(line["answers"]) for line in evaluation_report(programme)["texts"]]
    assert [(len(line["answers"]), line["more"]) for line in page.context["report"]["texts"]] == [
        (min(total, 100), max(total - 100, 0)) for total in written
    ]


def test_the_plenary_names_the_members_of_small_groups_and_counts_the_large(
    client, generated, monkeypatch
):
    from capacita.groupwork import selectors

    programme, manager = generated
    client.force_login(manager)
    work = SessionWork.objects.get(session__programme=programme, session__number=3)
    sizes = {
        group.pk: GroupMember.objects.filter(group=group).count() for group in work.groups.all()
    }
    smallest = min(sizes.values())
    assert max(sizes.values()) > smallest  # both kinds of group on the page
    monkeypatch.setattr(selectors, "PLENARY_NAMES", smallest)
    page = client.get(f"/en/programmes/{programme.slug}/sessions/3/plenary/")
    for column in page.context["columns"]:
        size = sizes[column["group"].pk]
        assert column["size"] == size
        if size <= smallest:
            names = {
                f"{first} {last}"
                for first, last in GroupMember.objects.filter(group=column["group"]).values_list(
                    "user__first_name", "user__last_name"
                )
            }
            assert {name for name, _code in column["named"]} == names
        else:
            assert column["named"] == []
            assert f"{size} members" in page.content.decode()


def test_a_sessions_attendance_and_a_courses_completions_build_only_the_page_shown(
    client, generated, monkeypatch
):
    """Their order and counts come from values queries; only the hundred people shown are
    built into lines (a programme of 10,000 built every line: 0.8 s)."""
    from capacita.attendance import selectors as attendance
    from capacita.attendance.models import AttendanceRecord
    from capacita.completions import selectors as completions

    programme, manager = generated
    client.force_login(manager)
    built = []
    for module, name in ((attendance, "PersonLine"), (completions, "ParticipantStatus")):
        original = getattr(module, name)

        def counting(*args, _original=original, **kwargs):
            built.append(_original)
            return _original(*args, **kwargs)

        monkeypatch.setattr(module, name, counting)

    session = programme.sessions.order_by("number").first()
    url = f"/en/programmes/{programme.slug}/sessions/{session.number}/attendance/"
    page = client.get(url)
    assert len(built) == 100
    sheet = page.context["sheet"]
    records = AttendanceRecord.objects.filter(session=session)
    assert sheet.present == records.filter(status="present").count()
    assert sheet.present + sheet.absent + sheet.excused + sheet.without_status == SIZE
    last = client.get(url, {"page": 2}).content.decode()
    assert len(rows_of(last, "person")) == SIZE - 100
    # Participants by country, then by last name, as before.
    shown = [line for line, _form in page.context["people"]]
    keys = [(line.country.code, line.user.last_name.casefold()) for line in shown]
    assert keys == sorted(keys)

    built.clear()
    course = programme.courses.order_by("position").first()
    url = f"/en/programmes/{programme.slug}/courses/{course.code}/"
    page = client.get(url)
    assert len(built) == 100
    names = [(s.user.last_name, s.user.first_name) for s, _form in page.context["rows"]]
    assert names == sorted(names)
    someone = page.context["rows"][42][0].user
    found = client.get(url, {"search": someone.email}).content.decode()
    assert rows_of(found, "participant") == [str(someone.pk)]


def test_a_countrys_report_lists_its_participants_a_page_at_a_time(client, generated, monkeypatch):
    """The page reads only the people it shows; page after page, they are the report's
    participants (its workbook and PDF hold them all), in the same order and with the same
    figures."""
    from django.utils import translation

    from capacita.programmes.models import Country
    from capacita.reports.figures import country_report
    from capacita.shared import people_pages

    monkeypatch.setattr(people_pages, "PER_PAGE", 5)
    programme, manager = generated
    client.force_login(manager)
    mexico = Country.objects.get(code="MX")
    with translation.override("en"):
        everyone = country_report(programme, mexico)["participants"]
    assert len(everyone) > 10
    url = f"/en/programmes/{programme.slug}/reports/MX/"
    seen, number = [], 1
    while True:
        page = client.get(url, {"page": number})
        assert page.context["report"]["participants"] is None
        assert page.context["report"]["participants_n"] == len(everyone)
        seen += page.context["shown"].page.object_list
        if not page.context["shown"].page.has_next():
            break
        number += 1
    assert number == -(-len(everyone) // 5)
    assert seen == everyone
    found = client.get(url, {"search": everyone[7]["email"]})
    assert list(found.context["shown"].page.object_list) == [everyone[7]]

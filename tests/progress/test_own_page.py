"""A registered person's own page: links, interpretation, attendance, courses, what is missing
for the certificate, times in their zone, and the reminders opt-out."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from capacita.attendance.models import AttendanceRecord
from capacita.certificates.kept import refresh

from .conftest import PROGRAMME, attend, complete, complete_everything
from .pages import by_id, find_all, links, text, texts, tree

MINE = f"{PROGRAMME}/me/"
STATUS = AttendanceRecord.Status


def missing_lines(response) -> list[str]:
    """What the page says is still missing (nothing when it lists nothing)."""
    found = find_all(by_id(tree(response), "certificate-status"), id="missing")
    return texts(found[0], "li") if found else []


def course_text(response, code: str) -> str:
    return text(by_id(tree(response), f"my-course-{code}"))


def test_a_participant_sees_each_sessions_meeting_link_and_interpretation(client_as, programme):
    response = client_as("participant").get(MINE)

    assert response.status_code == 200
    page = tree(response)
    for number in (1, 2, 3):
        session = by_id(page, f"my-session-{number}")
        [join] = find_all(session, "a", **{"class": "meeting-link"})
        assert (
            dict(join.attributes)["href"] == f"https://meet.example.org/crm-2021/session-{number}"
        )
        assert "Simultaneous interpretation: Spanish / English" in text(session)


def test_each_course_shows_its_link_deadline_and_status(client_as, users, programme):
    participant = users["participant"]
    complete(programme, participant, "corporate-responsibility")
    complete(programme, participant, "migration-trends", late=True)

    response = client_as("participant").get(MINE)

    page = tree(response)
    for course in programme.courses.all():
        item = by_id(page, f"my-course-{course.code}")
        assert links(item) == [course.url]
        assert "Complete by Friday 5 November 2021 (Mexico City Time)" in text(item)
    assert course_text(response, "corporate-responsibility").endswith("· completed")
    assert course_text(response, "migration-trends").endswith("· completed after the deadline")
    # The deadline has passed: the optional course is simply not completed.
    assert course_text(response, "vulnerable-migrants").endswith("· not completed")
    assert "Required" in course_text(response, "corporate-responsibility")
    assert "Optional" in course_text(response, "vulnerable-migrants")


def test_a_course_whose_deadline_is_ahead_is_not_completed_yet(client_as, programme):
    course = programme.courses.get(code="migration-trends")
    course.deadline = timezone.now() + dt.timedelta(days=30)
    course.save()

    response = client_as("participant").get(MINE)

    assert course_text(response, "migration-trends").endswith("· not completed yet")
    assert (
        "complete the course “Course on Migration Trends in Latin America and the Caribbean” "
        "by its deadline (not completed yet)" in missing_lines(response)
    )


def test_what_is_missing_lists_exactly_the_sessions_not_attended_and_the_required_courses(
    client_as, users, programme
):
    participant = users["participant"]
    attend(programme, participant, 1)
    attend(programme, participant, 2, STATUS.ABSENT)
    complete(programme, participant, "corporate-responsibility")
    complete(programme, participant, "migration-trends", completed=False)

    response = client_as("participant").get(MINE)

    assert missing_lines(response) == [
        "attend virtual session 2 (absent)",
        "attend virtual session 3 (not yet recorded)",
        "complete the course “Course on Migration Trends in Latin America and the Caribbean” "
        "by its deadline (not completed)",
    ]
    page = tree(response)
    assert "Your attendance: attended (110 minutes)" in text(by_id(page, "my-session-1"))
    assert "Your attendance: absent" in text(by_id(page, "my-session-2"))
    assert "Your attendance: not yet recorded" in text(by_id(page, "my-session-3"))


def test_an_excused_absence_is_still_missing(client_as, users, programme):
    participant = users["participant"]
    complete_everything(programme, participant)
    record = AttendanceRecord.objects.get(user=participant, session__number=3)
    record.status = STATUS.EXCUSED
    record.save()
    refresh(programme, [participant.pk])

    response = client_as("participant").get(MINE)

    assert missing_lines(response) == ["attend virtual session 3 (excused)"]


def test_when_every_required_activity_is_done_the_page_says_the_certificate_is_earned(
    client_as, users, programme
):
    complete_everything(programme, users["participant"])

    response = client_as("participant").get(MINE)

    status = by_id(tree(response), "certificate-status")
    assert "complete" in dict(status.attributes)["class"].split()
    assert missing_lines(response) == []
    assert all(line.startswith("✓ Met:") for line in texts(by_id(status, "requirements"), "li"))
    assert len(texts(by_id(status, "requirements"), "li")) == 5  # 3 sessions, 2 courses
    assert "You have completed every required activity" in text(status)
    assert "you still need to" not in text(status)


def test_the_optional_course_never_counts_as_missing(client_as, users, programme):
    participant = users["participant"]
    complete_everything(programme, participant)
    complete(programme, participant, "vulnerable-migrants", completed=False)

    response = client_as("participant").get(MINE)

    assert missing_lines(response) == []
    assert course_text(response, "vulnerable-migrants").endswith("· not completed")


def test_a_late_completion_counts_only_when_the_programme_allows_it(client_as, users, programme):
    participant = users["participant"]
    for number in (1, 2, 3):
        attend(programme, participant, number)
    complete(programme, participant, "corporate-responsibility", late=True)
    complete(programme, participant, "migration-trends", late=True)

    response = client_as("participant").get(MINE)

    assert missing_lines(response) == [
        "complete the course “Course on Corporate Responsibility and Labour Migration” by its "
        "deadline (completed after the deadline)",
        "complete the course “Course on Migration Trends in Latin America and the Caribbean” "
        "by its deadline (completed after the deadline)",
    ]
    for code in ("corporate-responsibility", "migration-trends"):
        assert course_text(response, code).endswith("· completed after the deadline")

    programme.certificate_allows_late_completion = True
    programme.save()

    refresh(programme)
    assert missing_lines(client_as("participant").get(MINE)) == []


def test_the_post_test_counts_when_the_programme_asks_for_it(client_as, users, programme):
    from django.utils import timezone

    from capacita.evaluation.models import Questionnaire, Response

    participant = users["participant"]
    for number in (1, 2, 3):
        attend(programme, participant, number)
    complete(programme, participant, "corporate-responsibility")
    complete(programme, participant, "migration-trends")
    assert missing_lines(client_as("participant").get(MINE)) == []

    programme.certificate_requires_post_test = True
    programme.save()

    refresh(programme)
    assert missing_lines(client_as("participant").get(MINE)) == [
        "submit the post-test (not submitted)"
    ]
    post = Questionnaire.objects.get(programme=programme, kind="post")
    Response.objects.create(questionnaire=post, user=participant, submitted_at=timezone.now())
    refresh(programme, [participant.pk])
    assert missing_lines(client_as("participant").get(MINE)) == []


def test_the_page_shows_times_in_the_participants_zone_beside_the_programmes(
    client, participant_do
):
    client.force_login(participant_do)

    response = client.get(MINE)

    page = tree(response)
    session = text(by_id(page, "my-session-1"))
    assert "Tuesday 26 October 2021, 15:00–17:00 (your time, Santo Domingo · UTC−04:00)" in session
    assert "Tuesday 26 October 2021, 14:00–16:00 (programme time, Mexico City · UTC−05:00)" in (
        session
    )
    assert "Times are shown in your time zone, Santo Domingo Time" in text(page)


def test_a_time_zone_asked_for_in_the_address_wins(client_as, programme):
    response = client_as("participant").get(MINE, {"tz": "Europe/Madrid"})

    # 26 October 2021: Madrid is still on summer time (UTC+2).
    assert "21:00–23:00 (your time, Madrid · UTC+02:00)" in text(
        by_id(tree(response), "my-session-1")
    )


def test_a_course_deadline_in_another_zone_keeps_the_programmes_date_and_names_the_zone(
    client, participant_do
):
    client.force_login(participant_do)

    response = client.get(MINE)

    course = course_text(response, "corporate-responsibility")
    assert "Complete by Friday 5 November 2021 (Mexico City Time)" in course
    assert "that is until Saturday 6 November 2021, 01:59 in Santo Domingo Time" in course


def test_an_observer_sees_the_links_but_no_certificate_requirements(client_as, programme):
    response = client_as("observer").get(MINE)

    assert response.status_code == 200
    page = tree(response)
    assert find_all(page, id="certificate-status") == []
    assert "without a certificate" in text(page)
    assert "https://meet.example.org/crm-2021/session-1" in links(by_id(page, "my-session-1"))


@pytest.mark.parametrize("role", ["outsider", "focal_point"])
def test_people_not_registered_for_the_sessions_get_403(client_as, programme, role):
    response = client_as(role).get(MINE)

    assert response.status_code == 403
    assert b"meet.example.org" not in response.content


def test_turning_reminders_off_and_on_saves_the_choice(client_as, users, programme):
    participant = users["participant"]
    client = client_as("participant")
    assert participant.wants_reminders

    response = client.post(f"{MINE}reminders/", {})

    assert response.status_code == 302
    assert response["Location"] == MINE
    participant.refresh_from_db()
    assert participant.wants_reminders is False
    page = client.get(MINE)
    assert "You will not receive reminders by e-mail." in page.content.decode()
    [checkbox] = find_all(tree(page), "input", id="wants_reminders")
    assert "checked" not in dict(checkbox.attributes)

    client.post(f"{MINE}reminders/", {"wants_reminders": "on"})

    participant.refresh_from_db()
    assert participant.wants_reminders is True


def test_the_reminders_choice_is_only_saved_by_post(client_as, users, programme):
    response = client_as("participant").get(f"{MINE}reminders/")

    assert response.status_code == 405
    users["participant"].refresh_from_db()
    assert users["participant"].wants_reminders is True


def test_an_outsider_cannot_change_reminders(client_as, users, programme):
    response = client_as("outsider").post(f"{MINE}reminders/", {})

    assert response.status_code == 403
    users["outsider"].refresh_from_db()
    assert users["outsider"].wants_reminders is True


def test_the_agenda_is_kept_a_while_for_participants_and_read_fresh_by_managers(
    client_as, users, programme, settings
):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 60
    session = programme.sessions.get(number=1)
    client = client_as("participant")
    first = client.get(MINE)
    assert "meet.example.org/crm-2021/session-1" in first.content.decode()
    assert any("session 1" in line for line in missing_lines(first))
    session.meeting_url = "https://meet.example.org/crm-2021/moved"
    session.save()
    attend(programme, users["participant"], 1)
    # The same agenda for a minute; the participant's own figures are never kept.
    again = client.get(MINE)
    assert "moved" not in again.content.decode()
    assert not any("session 1" in line for line in missing_lines(again))
    # The programme's managers read it fresh.
    assert "crm-2021/moved" in client_as("manager").get(MINE).content.decode()


def test_the_page_title_is_plain_text_and_the_data_section_shows_once(client_as, programme):
    from django.utils import translation

    with translation.override("en"):
        content = client_as("participant").get(MINE).content.decode()
    title = content.split("<title>", 1)[1].split("</title>", 1)[0]
    assert "<" not in title and title.startswith("My programme · ")
    assert content.count('id="my-data"') == 1


def test_a_late_completer_is_told_what_can_still_be_done_and_whom_to_write_to(
    client_as, users, programme
):
    participant = users["participant"]
    for number in (1, 2, 3):
        attend(programme, participant, number)
    complete(programme, participant, "corporate-responsibility")
    complete(programme, participant, "migration-trends", late=True)

    response = client_as("participant").get(MINE)

    advice = by_id(tree(response), "late-advice")
    words = text(advice)
    assert "completed after its deadline" in words
    assert "the programme's managers may accept a late completion" in words
    assert "issuing your certificate by hand" in words
    assert programme.contact_email == "capacitacion@example.org"
    assert links(advice) == ["mailto:capacitacion@example.org"]

    # Once late completions count, nothing is missing and there is nothing to ask for.
    programme.certificate_allows_late_completion = True
    programme.save()
    refresh(programme)
    page = tree(client_as("participant").get(MINE))
    assert find_all(page, id="late-advice") == []


def test_without_a_late_completion_the_page_names_the_programme_s_address(client_as, programme):
    response = client_as("participant").get(MINE)

    page = tree(response)
    assert find_all(page, id="late-advice") == []
    assert links(by_id(page, "programme-contact")) == ["mailto:capacitacion@example.org"]


def test_a_programme_without_an_address_still_says_whom_to_write_to(client_as, users, programme):
    programme.contact_email = ""
    programme.save()
    participant = users["participant"]
    complete(programme, participant, "migration-trends", late=True)

    page = tree(client_as("participant").get(MINE))

    advice = by_id(page, "late-advice")
    assert "write to the programme's organisers" in text(advice)
    assert links(advice) == []
    assert find_all(page, id="programme-contact") == []


def test_the_personal_data_link_says_what_it_gives_in_plain_words(client_as, programme):
    section = by_id(tree(client_as("participant").get(MINE)), "my-data")

    assert "Download all your data (a file for other programs)" in text(section)
    assert "JSON" not in text(section)


def test_what_is_alike_for_everyone_is_rendered_once_per_language_and_zone(
    client_as, users, programme, settings, monkeypatch
):
    """The sessions' and courses' parts of the page are rendered once for each language and
    time zone and kept with the agenda; the page reads the same as when they are rendered
    for each request, and each reader's own lines stay their own."""
    import re

    from capacita.progress import views

    def page(client, path=MINE):
        content = client.get(path).content.decode()
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", content)

    client = client_as("participant")
    attend(programme, users["participant"], 1)
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    rendered_each_time = {
        path: page(client, path)
        for path in (MINE, f"{MINE}?tz=Asia/Tokyo", MINE.replace("/en/", "/es/"))
    }
    settings.PUBLIC_PAGE_CACHE_SECONDS = 60
    made = []
    real = views.page_parts

    def counted(*args):
        made.append(args[-1].key)
        return real(*args)

    monkeypatch.setattr(views, "page_parts", counted)
    for _round in range(2):
        for path, expected in rendered_each_time.items():
            assert page(client, path) == expected
    assert made == ["America/Mexico_City", "Asia/Tokyo", "America/Mexico_City"]
    assert "Tokyo" in rendered_each_time[f"{MINE}?tz=Asia/Tokyo"]
    assert "Sesión virtual 1" in rendered_each_time[MINE.replace("/en/", "/es/")]

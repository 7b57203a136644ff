"""Reading course completion: the participants, each one's status, the counts per course."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from capacita.programmes.models import Country, Course, Membership, Role

from .models import CompletionReport, CourseCompletion


def participants(programme) -> QuerySet:
    """The programme's accepted participants: the people holding its PARTICIPANT role."""
    return (
        get_user_model()
        .objects.filter(
            pk__in=Membership.objects.filter(programme=programme, role=Role.PARTICIPANT).values(
                "user"
            )
        )
        .order_by("last_name", "first_name", "email")
    )


def last_report(course) -> CompletionReport | None:
    return course.completion_reports.order_by("-created_at", "-id").first()


@dataclass(frozen=True)
class ParticipantStatus:
    user: object
    country: object | None
    completion: CourseCompletion | None

    @property
    def completed(self) -> bool:
        return bool(self.completion and self.completion.completed)

    @property
    def is_late(self) -> bool:
        return bool(self.completion and self.completion.completed and self.completion.is_late)

    @property
    def status(self) -> str:
        """ "late", "completed" or "not_completed"."""
        if self.is_late:
            return "late"
        return "completed" if self.completed else "not_completed"

    @property
    def hand_differs(self) -> bool:
        """Marked by hand, and the learning site's last report says otherwise."""
        completion = self.completion
        return bool(
            completion
            and completion.is_marked_by_hand
            and completion.imported_completed is not None
            and (
                completion.imported_completed != completion.completed
                or completion.imported_completed_at != completion.completed_at
            )
        )


def participant_keys(programme) -> list[tuple[int, str, str, str]]:
    """The programme's participants by name, as `people_page_of` reads them (id, first name,
    last name, e-mail): one values query."""
    return list(participants(programme).values_list("pk", "first_name", "last_name", "email"))


def course_statuses(course, user_ids=None) -> dict[int, ParticipantStatus]:
    """The participants `user_ids` (all of them without it) with their completion of the
    course, by id: four queries."""
    people = participants(course.programme)
    members = Membership.objects.filter(programme=course.programme, role=Role.PARTICIPANT)
    completions = CourseCompletion.objects.filter(course=course).select_related("marked_by")
    if user_ids is not None:
        people = people.filter(pk__in=list(user_ids))
        members = members.filter(user_id__in=list(user_ids))
        completions = completions.filter(user_id__in=list(user_ids))
    # One object per country, not one per person: a programme of thousands has a dozen.
    country_ids = dict(members.values_list("user_id", "country_id"))
    by_id = {
        country.pk: country
        for country in Country.objects.filter(pk__in=set(country_ids.values()) - {None})
    }
    done = {completion.user_id: completion for completion in completions}
    return {
        user.pk: ParticipantStatus(
            user=user,
            country=by_id.get(country_ids.get(user.pk)),
            completion=done.get(user.pk),
        )
        for user in people
    }


@dataclass(frozen=True)
class CourseCounts:
    course: Course
    participants: int
    completed: int  # on time or late
    late: int
    unmatched: int  # rows of the last report matched to nobody
    report: CompletionReport | None

    @property
    def not_completed(self) -> int:
        return self.participants - self.completed


def course_counts(programme) -> list[CourseCounts]:
    """Per course of the programme: how many participants completed it, how many of them
    late, how many did not, and how many rows of its last report matched nobody."""
    people = participants(programme).values("pk")
    total = people.count()
    rows = []
    for course in programme.courses.order_by("position", "code"):
        done = CourseCompletion.objects.filter(course=course, user__in=people, completed=True)
        report = last_report(course)
        rows.append(
            CourseCounts(
                course=course,
                participants=total,
                completed=done.count(),
                late=done.filter(is_late=True).count(),
                unmatched=len(report.unmatched) if report else 0,
                report=report,
            )
        )
    return rows

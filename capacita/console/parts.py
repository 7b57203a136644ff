"""The parts of a programme its managers edit in the console (see `editing`): the programme's
own (organisers, objectives, profiles, member countries, courses, the people of the agenda),
its sessions and their agenda, and those of the tests, the group work and the certificates
(`parts_tests`, `parts_groupwork`, `parts_certificates`)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from capacita.agenda.models import AgendaItem, AgendaParticipant, VirtualSession
from capacita.completions.models import CompletionReport, CourseCompletion
from capacita.completions.services import deadline_changed
from capacita.nominations.models import Nomination
from capacita.programmes.models import (
    Country,
    Course,
    MemberCountry,
    Organiser,
    Person,
    Profile,
    SpecificObjective,
    StructureRow,
)
from capacita.shared.formats import clock, when

from .editing import Part
from .parts_certificate import PARTS as CERTIFICATE_PARTS
from .parts_evaluation import PARTS as TEST_PARTS
from .parts_group_work import PARTS as GROUP_WORK_PARTS


def _by_programme(model):
    return lambda programme: model.objects.filter(programme=programme)


def _member_blocked(member) -> str:
    if Nomination.objects.filter(programme=member.programme, country=member.country).exists():
        return _(
            "%(country)s has nominations in this programme: withdraw or decide them elsewhere; "
            "its place stays."
        ) % {"country": member.country.name}
    return ""


def _course_blocked(course) -> str:
    if (
        CourseCompletion.objects.filter(course=course).exists()
        or CompletionReport.objects.filter(course=course).exists()
    ):
        return _(
            "“%(course)s” has completions recorded: it stays, so that nobody's progress changes."
        ) % {"course": course.title}
    return ""


def _course_saved(course, changed) -> None:
    # A new deadline makes completions late, or no longer late.
    if "deadline" in changed:
        deadline_changed(course)


def _session_blocked(session) -> str:
    if session.meeting_reports.exists():
        return _("Session %(number)s has a meeting report imported: remove the report first.") % {
            "number": session.number
        }
    return ""


def _item_blocked(item) -> str:
    if item.slides.exists():
        return _("“%(item)s” has slides added by its speakers: remove them first.") % {
            "item": item.title
        }
    return ""


def _next_session(programme, _parent) -> dict:
    last = programme.sessions.order_by("-number").first()
    if last is None:
        return {"number": 1}
    return {
        "number": last.number + 1,
        "starts_at": last.starts_at + dt.timedelta(days=7),
        "ends_at": last.ends_at + dt.timedelta(days=7),
    }


def _next_item(_programme, session) -> dict:
    last = session.items.order_by("-position").first()
    start = (last.ends_at or last.starts_at) if last else session.starts_at
    return {"starts_at": start}


def _session_figures(session) -> list[str]:
    count = session.item_count
    return [
        when(session.starts_at, session.programme.zone),
        ngettext("%(count)s agenda item", "%(count)s agenda items", count) % {"count": count},
    ]


def _item_figures(item) -> list[str]:
    names = [part.person.name for part in item.participants.all()]
    # The items of a session share its day: their time is enough.
    figures = [clock(item.starts_at, item.session.programme.zone)]
    if names:
        figures.append(", ".join(names))
    if item.to_be_confirmed:
        figures.append(_("to be confirmed"))
    return figures


def _item_in_session(form, programme):
    """An agenda item happens within its session's day: a time typed a day off is told."""
    item = form.instance
    start = form.cleaned_data.get("starts_at")
    session = getattr(item, "session", None)
    if start and session and abs(start - session.starts_at) > dt.timedelta(hours=12):
        form.add_error(
            "starts_at",
            _("The item starts far from its session (%(when)s): check the day and the time.")
            % {"when": when(session.starts_at, programme.zone)},
        )


def _person_figures(person) -> list[str]:
    if person.user_id:
        return [_("linked to %(email)s") % {"email": person.user.email}]
    return [_("not linked to an account")]


PROGRAMME_PARTS = (
    Part(
        key="organisers",
        title=gettext_lazy("organisers and logos"),
        singular=gettext_lazy("organiser"),
        model=Organiser,
        fields=(
            "code",
            "name_es",
            "name_en",
            "acronym_es",
            "acronym_en",
            "role_es",
            "role_en",
            "url",
            "logo",
        ),
        scope=_by_programme(Organiser),
        help=gettext_lazy(
            "The institutions that organise the programme, in the order shown on its page; "
            "their logos are printed on the certificates."
        ),
    ),
    Part(
        key="objectives",
        title=gettext_lazy("specific objectives"),
        singular=gettext_lazy("specific objective"),
        model=SpecificObjective,
        fields=("text_es", "text_en"),
        scope=_by_programme(SpecificObjective),
    ),
    Part(
        key="structure",
        title=gettext_lazy("the programme's structure"),
        singular=gettext_lazy("structure row"),
        model=StructureRow,
        fields=("activity_es", "activity_en", "content_es", "content_en"),
        scope=_by_programme(StructureRow),
        help=gettext_lazy("The table of the programme's page that says what each activity covers."),
    ),
    Part(
        key="profiles",
        title=gettext_lazy("recommended profiles"),
        singular=gettext_lazy("profile"),
        model=Profile,
        fields=("code", "name_es", "name_en"),
        scope=_by_programme(Profile),
        help=gettext_lazy(
            "The profiles of the people the programme asks the countries to nominate."
        ),
    ),
    Part(
        key="member-countries",
        title=gettext_lazy("member countries"),
        singular=gettext_lazy("member country"),
        model=MemberCountry,
        fields=("country", "quota"),
        scope=_by_programme(MemberCountry),
        order=None,
        step="nominations",
        blocked=_member_blocked,
        choices={"country": lambda programme: Country.objects.order_by("code")},
        related=("country",),
        help=gettext_lazy(
            "The countries that nominate people, each with its quota. A country with nominations "
            "stays a member."
        ),
    ),
    Part(
        key="courses",
        title=gettext_lazy("online courses"),
        singular=gettext_lazy("course"),
        model=Course,
        fields=(
            "code",
            "title_es",
            "title_en",
            "provider_es",
            "provider_en",
            "description_es",
            "description_en",
            "url",
            "is_required",
            "deadline",
            "moodle_course",
        ),
        scope=_by_programme(Course),
        step="courses",
        blocked=_course_blocked,
        after_save=_course_saved,
    ),
    Part(
        key="sessions",
        title=gettext_lazy("virtual sessions"),
        singular=gettext_lazy("session"),
        model=VirtualSession,
        fields=(
            "number",
            "title_es",
            "title_en",
            "starts_at",
            "ends_at",
            "meeting_url",
            "zoom_meeting",
            "recording_url",
            "recording_file",
            "interpretation",
        ),
        scope=_by_programme(VirtualSession),
        order=None,
        step="sessions",
        blocked=_session_blocked,
        initial=_next_session,
        figures=_session_figures,
        related=("programme",),
        annotate={"item_count": Count("items")},
        help=gettext_lazy(
            "Each session's times, meeting link, recording and interpretation; its agenda is on "
            "its own page."
        ),
    ),
    Part(
        key="agenda-items",
        title=gettext_lazy("agenda items"),
        singular=gettext_lazy("agenda item"),
        model=AgendaItem,
        fields=(
            "kind",
            "title_es",
            "title_en",
            "description_es",
            "description_en",
            "starts_at",
            "ends_at",
            "to_be_confirmed",
        ),
        scope=lambda programme: AgendaItem.objects.filter(session__programme=programme),
        parent="sessions",
        parent_field="session",
        step="sessions",
        blocked=_item_blocked,
        initial=_next_item,
        figures=_item_figures,
        check=_item_in_session,
        related=("session__programme",),
        prefetch=("participants__person",),
    ),
    Part(
        key="agenda-roles",
        title=gettext_lazy("people in the item"),
        singular=gettext_lazy("person in the item"),
        model=AgendaParticipant,
        fields=("person", "role", "to_be_confirmed"),
        scope=lambda programme: AgendaParticipant.objects.filter(
            item__session__programme=programme
        ),
        parent="agenda-items",
        parent_field="item",
        step="sessions",
        choices={"person": lambda programme: Person.objects.filter(programme=programme)},
        related=("person",),
    ),
    Part(
        key="agenda-people",
        title=gettext_lazy("people of the agenda"),
        singular=gettext_lazy("person of the agenda"),
        model=Person,
        fields=(
            "key",
            "name_es",
            "name_en",
            "position_es",
            "position_en",
            "organisation_es",
            "organisation_en",
        ),
        scope=_by_programme(Person),
        order=None,
        figures=_person_figures,
        related=("user",),
        widgets={"key": forms.TextInput(attrs={"autocomplete": "off"})},
        help=gettext_lazy(
            "The speakers and facilitators the agenda names. Link one to an account on the page "
            "“Link people to accounts”."
        ),
    ),
)

PARTS: dict[str, Part] = {
    part.key: part
    for part in (*PROGRAMME_PARTS, *TEST_PARTS, *GROUP_WORK_PARTS, *CERTIFICATE_PARTS)
}


def children_of(part: Part) -> list[Part]:
    return [child for child in PARTS.values() if child.parent == part.key]

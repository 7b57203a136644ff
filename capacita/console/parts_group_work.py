"""The console's parts of the group work: each session's group work (grouped by country or
by theme, the plenary open or not), its groups (their task, countries or perspective,
facilitator) and the questions each group answers; the cases the programme's sessions study
and their guiding questions. Assigning people to groups and moving them is on each session's
groups page (`groupwork:organise`)."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from capacita.case_study.models import Case, CaseQuestion, SessionCase
from capacita.groupwork.models import (
    AnswerVersion,
    GroupMember,
    GroupQuestion,
    SessionWork,
    WorkGroup,
)
from capacita.programmes.models import Country, Role

from .editing import Part


def _work_blocked(work) -> str:
    if GroupMember.objects.filter(session_work=work).exists():
        return _("People are placed in its groups: it stays.")
    return ""


def _group_blocked(group) -> str:
    if group.memberships.exists():
        return _("People are placed in this group: move them to other groups first.")
    if AnswerVersion.objects.filter(question__group=group).exists():
        return _("The group has written answers: it stays.")
    return ""


def _question_blocked(question) -> str:
    if question.versions.exists():
        return _("The group has answered this question: it stays.")
    return ""


def _work_figures(work) -> list[str]:
    count = work.group_count
    return [
        work.get_grouping_display(),
        ngettext("%(count)d group", "%(count)d groups", count) % {"count": count},
    ]


def _group_figures(group) -> list[str]:
    figures = []
    countries = [country.name for country in group.countries.all()]
    if countries:
        figures.append(", ".join(countries))
    if group.perspective:
        figures.append(group.get_perspective_display())
    if group.facilitator_id:
        figures.append(group.facilitator.get_full_name() or group.facilitator.email)
    return figures


def _group_fits_its_grouping(form, _programme) -> None:
    """By country, a group gathers countries (each in one group of the session); by theme, it
    studies the case from a perspective."""
    group = form.instance
    work = group.session_work
    countries = form.cleaned_data.get("countries")
    perspective = form.cleaned_data.get("perspective")
    if work.grouping == SessionWork.Grouping.COUNTRY:
        if countries is not None and not countries:
            form.add_error("countries", _("A group of a session grouped by country has countries."))
        elif countries:
            taken = (
                Country.objects.filter(work_groups__session_work=work, pk__in=countries)
                .exclude(work_groups=group.pk)
                .distinct()
            )
            if group.pk is None:
                taken = Country.objects.filter(work_groups__session_work=work, pk__in=countries)
            names = sorted({country.name for country in taken})
            if names:
                form.add_error(
                    "countries",
                    _("Already in another group of this session: %(countries)s.")
                    % {"countries": ", ".join(names)},
                )
    elif not perspective:
        form.add_error("perspective", _("A group of a session grouped by theme has a perspective."))


def _work_extra(work) -> dict:
    return {"template": "console/_group_work_people.html", "work": work}


def _case_extra(case) -> dict:
    """The programmes whose sessions study the case: a change shows in each of them."""
    from_programmes = (
        SessionCase.objects.filter(case=case)
        .select_related("session_work__session__programme")
        .order_by("session_work__session__programme__slug")
    )
    return {
        "template": "console/_case_shared.html",
        "programmes": list({link.session_work.session.programme for link in from_programmes}),
    }


def _studied(programme):
    """The cases the programme's sessions study (read without DISTINCT, so that they can be
    locked while one moves)."""
    return Case.objects.filter(
        pk__in=SessionCase.objects.filter(session_work__session__programme=programme).values("case")
    )


def _facilitators(programme):
    return (
        get_user_model()
        .objects.filter(memberships__programme=programme, memberships__role=Role.FACILITATOR)
        .distinct()
        .order_by("last_name", "first_name")
    )


PARTS = (
    Part(
        key="group-work",
        title=gettext_lazy("group work"),
        singular=gettext_lazy("group work of a session"),
        model=SessionWork,
        fields=("session", "grouping", "plenary_open"),
        scope=lambda programme: SessionWork.objects.filter(session__programme=programme),
        order=None,
        step="sessions",
        blocked=_work_blocked,
        figures=_work_figures,
        annotate={"group_count": Count("groups")},
        extra=_work_extra,
        choices={"session": lambda programme: programme.sessions.all()},
        related=("session",),
        help=gettext_lazy(
            "The sessions that work in groups, and how their groups are made. People are "
            "assigned to the groups and moved between them on each session's groups page."
        ),
    ),
    Part(
        key="groups",
        title=gettext_lazy("groups"),
        singular=gettext_lazy("group"),
        model=WorkGroup,
        fields=(
            "name_es",
            "name_en",
            "task_es",
            "task_en",
            "countries",
            "perspective",
            "facilitator",
        ),
        scope=lambda programme: WorkGroup.objects.filter(
            session_work__session__programme=programme
        ),
        parent="group-work",
        parent_field="session_work",
        step="sessions",
        blocked=_group_blocked,
        figures=_group_figures,
        check=_group_fits_its_grouping,
        choices={
            "countries": lambda programme: programme.countries.order_by("code"),
            "facilitator": _facilitators,
        },
        widgets={"countries": forms.CheckboxSelectMultiple},
        related=("facilitator",),
        prefetch=("countries",),
    ),
    Part(
        key="group-questions",
        title=gettext_lazy("questions of the group"),
        singular=gettext_lazy("question"),
        model=GroupQuestion,
        fields=("text_es", "text_en"),
        scope=lambda programme: GroupQuestion.objects.filter(
            group__session_work__session__programme=programme
        ),
        parent="groups",
        parent_field="group",
        step="sessions",
        blocked=_question_blocked,
    ),
    Part(
        key="cases",
        title=gettext_lazy("case studies"),
        singular=gettext_lazy("case"),
        model=Case,
        fields=("title_es", "title_en", "story_es", "story_en"),
        scope=_studied,
        order=None,
        addable=False,
        step="sessions",
        extra=_case_extra,
        help=gettext_lazy(
            "The cases the programme's sessions study in groups, with the guiding questions for "
            "each perspective. A case may be shared with other programmes: its page says so."
        ),
    ),
    Part(
        key="case-questions",
        title=gettext_lazy("guiding questions"),
        singular=gettext_lazy("guiding question"),
        model=CaseQuestion,
        fields=("perspective", "text_es", "text_en"),
        scope=lambda programme: CaseQuestion.objects.filter(case__in=_studied(programme)),
        parent="cases",
        parent_field="case",
        step="sessions",
    ),
)

"""The console's parts of the group work: each session's group work (grouped by country or
by theme, the plenary open or not), its groups (their task, countries or perspective,
facilitator) and the questions each group answers; the cases the programme's sessions study
and their guiding questions. Assigning people to groups and moving them is on each session's
groups page (`groupwork:organise`)."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from capacita.case_study.models import Assessment, Case, CaseQuestion, SessionCase
from capacita.groupwork.models import (
    AnswerVersion,
    GroupMember,
    GroupQuestion,
    SessionWork,
    WorkGroup,
)
from capacita.programmes.models import Role

from .editing import Part


def _work_blocked(work) -> str:
    if GroupMember.objects.filter(session_work=work).exists():
        return _("People are placed in its groups: it stays.")
    if (
        AnswerVersion.objects.filter(question__group__session_work=work).exists()
        or Assessment.objects.filter(group__session_work=work).exists()
    ):
        return _("Its groups have written answers: it stays.")
    return ""


def _group_blocked(group) -> str:
    if group.memberships.exists():
        return _("People are placed in this group: move them to other groups first.")
    if (
        AnswerVersion.objects.filter(question__group=group).exists()
        or Assessment.objects.filter(group=group).exists()
    ):
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
    """By country, a group gathers the participants of its countries (each country in one
    group of the session), without a perspective; by theme, the participants of every
    country are balanced across the groups, each studying the case from its perspective
    (`groupwork.services.assign_automatically`)."""
    group = form.instance
    work = group.session_work
    countries = form.cleaned_data.get("countries")
    perspective = form.cleaned_data.get("perspective")
    if work.grouping == SessionWork.Grouping.COUNTRY:
        if perspective:
            form.add_error(
                "perspective",
                _("A group of a session grouped by country has no perspective: leave it empty."),
            )
        if countries is not None and not countries:
            form.add_error("countries", _("A group of a session grouped by country has countries."))
        elif countries:
            others = (
                WorkGroup.objects.filter(session_work=work, countries__in=countries)
                .exclude(pk=group.pk)
                .prefetch_related("countries")
                .distinct()
            )
            chosen = {country.pk for country in countries}
            taken = sorted(
                f"{country.name} (“{other.name}”)"
                for other in others
                for country in other.countries.all()
                if country.pk in chosen
            )
            if taken:
                form.add_error(
                    "countries",
                    _("Already in another group of this session: %(countries)s.")
                    % {"countries": ", ".join(taken)},
                )
        return
    if not perspective:
        form.add_error("perspective", _("A group of a session grouped by theme has a perspective."))
    if countries:
        form.add_error(
            "countries",
            _(
                "A group of a session grouped by theme gathers participants of every country, "
                "balanced automatically: leave its countries empty."
            ),
        )


def _sessions(programme):
    """The programme's sessions, each knowing whether it has its group work already."""
    return programme.sessions.annotate(
        has_work=Exists(SessionWork.objects.filter(session=OuterRef("pk")))
    ).order_by("number")


class _SessionSelect(forms.Select):
    """A session that has its group work already is shown but cannot be chosen again (unless
    it is this group work's own)."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        session = getattr(value, "instance", None)
        if session is not None and getattr(session, "has_work", False) and not selected:
            option["attrs"]["disabled"] = True
        return option


def _work_fits_its_session(form, _programme) -> None:
    """One group work per session; the groups of a session's group work stay with it. (Said
    here, on the field, rather than in the model's own words.)"""
    work = form.instance
    session = form.cleaned_data.get("session")
    # The form's instance keeps its session until the form is valid.
    if session is None or session.pk == work.session_id:
        return
    if SessionWork.objects.filter(session=session).exclude(pk=work.pk).exists():
        form.add_error(
            "session",
            _("“%(session)s” has its group work already: change it on its page.")
            % {"session": session},
        )
    elif work.pk is not None and work.groups.exists():
        form.add_error(
            "session",
            _(
                "Its groups, their members and their answers belong to “%(session)s”: the "
                "group work stays with it."
            )
            % {"session": work.session},
        )


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


def _case_figures(case) -> list[str]:
    others = case.programme_count - 1
    if others < 1:
        return []
    return [
        ngettext(
            "shared with %(count)d other programme",
            "shared with %(count)d other programmes",
            others,
        )
        % {"count": others}
    ]


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
        check=_work_fits_its_session,
        choices={"session": _sessions},
        widgets={"session": _SessionSelect},
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
        figures=_case_figures,
        annotate={
            "programme_count": Count("sessions__session_work__session__programme", distinct=True)
        },
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
        # Said on each question's page too: the questions are the case's, in every programme.
        extra=lambda question: _case_extra(question.case),
    ),
)

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from capacita.evaluation.models import Questionnaire
from capacita.evaluation.services import EvaluationError, open_or_close
from capacita.programmes import permissions
from capacita.programmes.models import Programme
from capacita.shared.access import allow as _allow
from capacita.shared.access import guarded as _guarded

from .menu import console_menu
from .steps import programme_steps


def managed(request, slug) -> Programme:
    """The programme at `slug`, for its managers only."""
    programme = get_object_or_404(Programme, slug=slug)
    _allow(request, permissions.is_manager(request.user, programme))
    return programme


@_guarded
def home(request, slug):
    """A programme's console: its life as steps, each with its figures and next action."""
    programme = managed(request, slug)
    return render(
        request,
        "console/home.html",
        {
            "programme": programme,
            "steps": programme_steps(programme),
            "menu": console_menu(programme),
        },
    )


@_guarded
@require_POST
def test_window(request, slug, kind):
    """Open or close a test now, or give it back to its dates, from the console."""
    programme = managed(request, slug)
    questionnaire = get_object_or_404(Questionnaire, programme=programme, kind=kind)
    try:
        open_or_close(questionnaire, request.POST.get("state", ""), request.user)
    except EvaluationError as error:
        messages.error(request, error.message)
    else:
        state = questionnaire.get_manual_state_display()
        messages.success(
            request,
            _("%(test)s: %(state)s.")
            % {"test": capfirst(questionnaire.get_kind_display()), "state": state},
        )
    return redirect(reverse("console:home", args=[slug]) + "#step-tests")

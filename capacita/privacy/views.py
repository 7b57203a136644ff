"""Personal data: a person's own data and removal request, and the managers' page (retention,
removal requests, anonymisation). Thin views over the services of `export`, `removal`,
`retention` and `anonymisation`."""

import json

from django.contrib import messages
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from capacita.programmes import permissions
from capacita.programmes.models import Programme
from capacita.shared.access import allow as _allow
from capacita.shared.access import guarded as _guarded

from . import anonymisation, removal
from .common import PrivacyError
from .export import personal_data
from .forms import AnonymisePersonForm, AnonymiseProgrammeForm, RemovalRequestForm, RetentionForm
from .models import RemovalRequest, Retention
from .retention import set_retention


@_guarded
def my_data(request, slug):
    """Everything the platform holds about the logged-in person, as a JSON file."""
    programme = get_object_or_404(Programme, slug=slug)
    _allow(request, permissions.is_registered(request.user, programme))
    data = personal_data(request.user)
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"capacita-{programme.slug}-my-data.json"
    )
    return response


@_guarded
def request_removal(request, slug):
    """What removal means, and the request itself."""
    programme = get_object_or_404(Programme, slug=slug)
    _allow(request, permissions.is_registered(request.user, programme))
    form = RemovalRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        removal.request_removal(request.user, programme, form.cleaned_data["message"])
        messages.success(
            request,
            _(
                "Your request is recorded. The programme's managers will remove your personal "
                "data and let you know."
            ),
        )
        return redirect("programmes:detail", programme.slug)
    return render(request, "privacy/request_removal.html", {"programme": programme, "form": form})


def _manager_programme(request, slug) -> Programme:
    programme = get_object_or_404(Programme, slug=slug)
    _allow(request, permissions.can_manage_personal_data(request.user, programme))
    return programme


def _overview(request, programme, status=200, **forms):
    retention = Retention.objects.filter(programme=programme).first()
    forms.setdefault(
        "retention_form",
        RetentionForm(initial={"keep_until": retention.keep_until} if retention else None),
    )
    forms.setdefault("person_form", AnonymisePersonForm(programme=programme, prefix="person"))
    forms.setdefault("programme_form", AnonymiseProgrammeForm(prefix="programme"))
    today = timezone.localdate()
    context = {
        "programme": programme,
        "retention": retention,
        "retention_passed": retention is not None and retention.keep_until < today,
        "has_ended": programme.end_date <= today,
        "requests": RemovalRequest.objects.filter(programme=programme).select_related(
            "user", "handled_by"
        ),
        **forms,
    }
    return render(request, "privacy/overview.html", context, status=status)


@_guarded
def overview(request, slug):
    programme = _manager_programme(request, slug)
    return _overview(request, programme)


@_guarded
@require_POST
def retention(request, slug):
    programme = _manager_programme(request, slug)
    form = RetentionForm(request.POST)
    if not form.is_valid():
        return _overview(request, programme, status=400, retention_form=form)
    set_retention(programme, form.cleaned_data["keep_until"])
    messages.success(request, _("The retention date is saved."))
    return redirect("privacy:overview", programme.slug)


@_guarded
@require_POST
def anonymise_person(request, slug):
    programme = _manager_programme(request, slug)
    form = AnonymisePersonForm(request.POST, programme=programme, prefix="person")
    if form.is_valid():
        try:
            anonymisation.anonymise_person(
                form.cleaned_data["person"],
                request.user,
                form.cleaned_data["reason"],
                programme=programme,
            )
        except PrivacyError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The person is anonymised."))
            return redirect("privacy:overview", programme.slug)
    return _overview(request, programme, status=400, person_form=form)


@_guarded
@require_POST
def anonymise_programme(request, slug):
    programme = _manager_programme(request, slug)
    form = AnonymiseProgrammeForm(request.POST, prefix="programme")
    if form.is_valid():
        try:
            outcome = anonymisation.anonymise_programme(
                programme, request.user, form.cleaned_data["reason"]
            )
        except PrivacyError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _(
                    "The programme is anonymised: %(everywhere)s people entirely, "
                    "%(in_programme)s in this programme only (they take part in another one), "
                    "%(nominations)s nominations without an account."
                )
                % {
                    "everywhere": outcome.everywhere,
                    "in_programme": outcome.in_programme,
                    "nominations": outcome.nominations,
                },
            )
            return redirect("privacy:overview", programme.slug)
    return _overview(request, programme, status=400, programme_form=form)

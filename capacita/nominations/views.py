from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from capacita.programmes import permissions
from capacita.programmes.models import Country, MemberCountry, Programme, Role
from capacita.programmes.services import RoleError, grant_role, people_with_role
from capacita.shared import uploads
from capacita.shared.access import allow as _allow
from capacita.shared.access import guarded as _guarded
from capacita.shared.text_limits import typed_refusal

from . import services
from .forms import SIZE_LIMIT, DecisionForm, NominationForm, PersonRoleForm, UploadForm
from .models import Nomination, NominationUpload
from .selectors import country_nominations, counts_by_country
from .spreadsheets import SheetError, nomination_template, read_nomination_sheet


def _programme(slug) -> Programme:
    return get_object_or_404(Programme, slug=slug)


def _member_country(programme, code) -> Country:
    member = (
        MemberCountry.objects.filter(programme=programme, country__code=code.upper())
        .select_related("country")
        .first()
    )
    if member is None:
        raise Http404
    return member.country


@_guarded
def overview(request, slug):
    programme = _programme(slug)
    _allow(request, permissions.can_see_nominations(request.user, programme))
    if not permissions.is_manager(request.user, programme):
        countries = permissions.focal_point_countries(request.user, programme)
        if len(countries) == 1:
            code = Country.objects.get(pk=next(iter(countries))).code
            return redirect("nominations:country", slug=slug, code=code.lower())
        rows = counts_by_country(programme, country_ids=countries)
    else:
        rows = counts_by_country(programme)
    return render(
        request,
        "nominations/overview.html",
        {"programme": programme, "rows": rows, "is_manager": True},
    )


@_guarded
def country_list(request, slug, code):
    programme = _programme(slug)
    country = _member_country(programme, code)
    _allow(request, permissions.can_nominate_for(request.user, programme, country))
    form = NominationForm(
        request.POST or None,
        programme=programme,
        initial={"language": request.LANGUAGE_CODE},
    )
    if request.method == "POST" and form.is_valid():
        try:
            nomination = services.nominate(programme, country, form.values(), actor=request.user)
        except services.NominationError as error:
            form.add_error(None, error.message)
        else:
            if nomination.status == Nomination.Status.RESERVE:
                messages.warning(
                    request,
                    _("%(name)s is on the reserve list: the country's places are taken.")
                    % {"name": nomination.full_name},
                )
            else:
                messages.success(
                    request, _("%(name)s is nominated.") % {"name": nomination.full_name}
                )
            return redirect("nominations:country", slug=slug, code=code)
    nominations = list(country_nominations(programme, country))
    counts = counts_by_country(programme, country_ids=[country.pk])[0]
    return render(
        request,
        "nominations/country.html",
        {
            "programme": programme,
            "country": country,
            "counts": counts,
            "nominations": nominations,
            "form": form,
            "upload_form": UploadForm(),
            "is_manager": permissions.can_decide_nominations(request.user, programme),
            "decision_form": DecisionForm(nomination_ids=[]),
        },
    )


@_guarded
@require_POST
def upload(request, slug, code):
    programme = _programme(slug)
    country = _member_country(programme, code)
    _allow(request, permissions.can_nominate_for(request.user, programme, country))
    form = UploadForm(request.POST, request.FILES)
    stored = uploads.accept(
        request,
        form,
        SIZE_LIMIT,
        lambda name, content: NominationUpload.objects.create(
            programme=programme,
            country=country,
            uploaded_by=request.user,
            filename=name,
            content=content,
        ),
        missing=_("Choose a file to upload."),
    )
    if stored is None:
        return redirect("nominations:country", slug=slug, code=code)
    return redirect("nominations:preview", slug=slug, code=code, upload_id=stored.pk)


@_guarded
def preview(request, slug, code, upload_id):
    """The verdict on every row; confirming saves all of them or nothing."""
    programme = _programme(slug)
    country = _member_country(programme, code)
    _allow(request, permissions.can_nominate_for(request.user, programme, country))
    stored = get_object_or_404(
        NominationUpload,
        pk=upload_id,
        programme=programme,
        country=country,
        uploaded_by=request.user,
    )
    sheet = error = None
    result = None
    try:
        sheet = read_nomination_sheet(stored.filename, bytes(stored.content))
    except SheetError as exc:
        error = exc.message
    if sheet is not None:
        confirming = request.method == "POST" and stored.confirmed_at is None
        try:
            result = services.import_nominations(
                programme,
                country,
                sheet.rows,
                actor=request.user,
                dry_run=not confirming,
                default_language=request.LANGUAGE_CODE,
            )
        except services.NominationError as exc:
            error = exc.message
        else:
            if result.saved:
                stored.confirmed_at = timezone.now()
                stored.save(update_fields=["confirmed_at"])
                messages.success(
                    request,
                    _(
                        "Your list is saved: %(new)s nominated, %(reserve)s on the reserve "
                        "list, %(same)s already on the list."
                    )
                    % {
                        "new": result.count("new"),
                        "reserve": result.count("reserve"),
                        "same": result.count("unchanged"),
                    },
                )
                return redirect("nominations:country", slug=slug, code=code)
    return render(
        request,
        "nominations/preview.html",
        {
            "programme": programme,
            "country": country,
            "upload": stored,
            "sheet": sheet,
            "result": result,
            "error": error,
        },
    )


@_guarded
def edit(request, slug, code, pk):
    programme = _programme(slug)
    country = _member_country(programme, code)
    nomination = get_object_or_404(Nomination, pk=pk, programme=programme, country=country)
    _allow(request, permissions.can_nominate_for(request.user, programme, country))
    _allow(request, permissions.can_change_nomination(request.user, nomination))
    form = NominationForm(
        request.POST or None,
        programme=programme,
        initial=NominationForm.initial_for(nomination),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_nomination(nomination, form.values(), actor=request.user)
        except services.NominationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The nomination is updated."))
            return redirect("nominations:country", slug=slug, code=code)
    return render(
        request,
        "nominations/edit.html",
        {"programme": programme, "country": country, "nomination": nomination, "form": form},
    )


@_guarded
@require_POST
def withdraw(request, slug, code, pk):
    programme = _programme(slug)
    country = _member_country(programme, code)
    nomination = get_object_or_404(Nomination, pk=pk, programme=programme, country=country)
    _allow(request, permissions.can_nominate_for(request.user, programme, country))
    _allow(request, permissions.can_change_nomination(request.user, nomination))
    try:
        services.withdraw_nomination(nomination, actor=request.user)
    except services.NominationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The nomination is withdrawn."))
    return redirect("nominations:country", slug=slug, code=code)


@_guarded
@require_POST
def decide(request, slug):
    programme = _programme(slug)
    _allow(request, permissions.can_decide_nominations(request.user, programme))
    form = DecisionForm(
        request.POST,
        nomination_ids=Nomination.objects.filter(programme=programme).values_list("pk", flat=True),
    )
    back = request.POST.get("next", "")
    # Only a path of this site: anything else (say, "0") would be read as a view's name.
    if not back.startswith("/") or not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}
    ):
        back = ""
    back = back or programme.get_absolute_url()
    if not form.is_valid():
        problem = typed_refusal(form, "reason", _("The reason"))
        messages.error(request, problem or _("Choose at least one nomination and a decision."))
        return redirect(back)
    chosen = list(
        Nomination.objects.filter(programme=programme, pk__in=form.cleaned_data["nominations"])
        .select_related("country", "programme")
        .order_by("created_at", "id")
    )
    action = form.cleaned_data["action"]
    reason = form.cleaned_data["reason"]
    try:
        if action == "accept":
            services.accept_nominations(
                chosen,
                actor=request.user,
                override_quota=form.cleaned_data["override_quota"],
                reason=reason,
            )
        elif action == "reject":
            services.reject_nominations(chosen, actor=request.user, reason=reason)
        elif action == "reserve":
            services.move_to_reserve(chosen, actor=request.user, reason=reason)
        else:
            services.reinstate_nominations(chosen, actor=request.user, reason=reason)
    except services.NominationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            ngettext(
                "Decision recorded for %(count)s nomination.",
                "Decision recorded for %(count)s nominations.",
                len(chosen),
            )
            % {"count": len(chosen)},
        )
    return redirect(back)


@_guarded
def template_file(request, slug, language):
    programme = _programme(slug)
    _allow(request, permissions.can_see_nominations(request.user, programme))
    if language not in ("es", "en"):
        raise Http404
    names = [profile.in_language("name", language) for profile in programme.profiles.all()]
    response = HttpResponse(
        nomination_template(language, names),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    filename = f"{programme.slug}-nominations-{language}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _people(request, slug, role, template):
    programme = _programme(slug)
    _allow(request, permissions.can_manage_people(request.user, programme))
    form = PersonRoleForm(
        request.POST or None,
        programme=programme,
        role=role,
        initial={"language": request.LANGUAGE_CODE},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            grant_role(
                programme,
                email=data["email"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                language=data["language"],
                role=role,
                actor=request.user,
                country=data.get("country"),
                organisation=data.get("organisation", ""),
            )
        except RoleError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("%(email)s is registered and their invitation is on its way.")
                % {"email": data["email"]},
            )
            return redirect(request.path)
    return render(
        request,
        template,
        {"programme": programme, "form": form, "people": people_with_role(programme, role)},
    )


@_guarded
def focal_points(request, slug):
    return _people(request, slug, Role.FOCAL_POINT, "nominations/focal_points.html")


@_guarded
def observers(request, slug):
    return _people(request, slug, Role.OBSERVER, "nominations/observers.html")

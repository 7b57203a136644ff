from collections import Counter

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from capacita.programmes import permissions
from capacita.programmes.models import Country, MemberCountry, Membership, Programme, Role
from capacita.programmes.services import RoleError, grant_role, people_with_role
from capacita.shared import uploads
from capacita.shared.access import allow as _allow
from capacita.shared.access import guarded as _guarded
from capacita.shared.people_pages import PER_PAGE, people_page_of
from capacita.shared.posted import posted_id
from capacita.shared.text_limits import REASON, typed_refusal
from capacita.shared.typed_text import folded

from . import services
from .forms import (
    SIZE_LIMIT,
    BulkDecisionForm,
    DecisionForm,
    NominationFilters,
    NominationForm,
    PersonRoleForm,
    UploadForm,
)
from .models import Nomination, NominationUpload
from .selectors import (
    country_nominations,
    counts_by_country,
    matching_nominations,
    nominations_by_id,
)
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
        {
            "programme": programme,
            "rows": rows,
            "is_manager": True,
            "can_decide": permissions.can_decide_nominations(request.user, programme),
        },
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
    # A hundred a page, searched by name or e-mail: a country may nominate a thousand.
    listed = country_nominations(programme, country)
    shown = people_page_of(
        request.GET,
        listed.values_list("pk", "first_name", "last_name", "email"),
        lambda keys: {nomination.pk: nomination for nomination in listed.filter(pk__in=keys)},
    )
    counts = counts_by_country(programme, country_ids=[country.pk])[0]
    return render(
        request,
        "nominations/country.html",
        {
            "programme": programme,
            "country": country,
            "counts": counts,
            # What the secretariat still awaits from the country while the programme has not
            # ended: a list, then its free places filled.
            "awaits": _awaited(programme, counts),
            "participants": Membership.objects.filter(
                programme=programme, role=Role.PARTICIPANT, country=country
            ).count(),
            "nominations": shown.page.object_list,
            "shown": shown,
            "form": form,
            "upload_form": UploadForm(),
            "is_manager": permissions.can_decide_nominations(request.user, programme),
            "decision_form": DecisionForm(nomination_ids=[]),
        },
    )


def _awaited(programme, counts) -> str:
    """ "list" (nobody nominated yet), "places" (places still free) or "" (nothing)."""
    if programme.end_date < timezone.now().astimezone(programme.zone).date():
        return ""
    if counts.total == 0:
        return "list"
    return "places" if counts.free_places else ""


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


def _back_to(request) -> str:
    """Where a decision posted from another page (a country's list) goes back to, or "".

    Only a path of this site: anything else (say, "0") would be read as a view's name."""
    back = request.POST.get("next", "")
    if not back.startswith("/") or not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}
    ):
        return ""
    return back


@_guarded
def decide(request, slug):
    """The managers' decisions on the nominations of every country: a hundred a page, found by
    country, status, name or e-mail; accepting, moving to the reserve list, rejecting or
    reinstating those ticked, every one on the page, or every one the filters find.

    A country's list posts here too, with the address to go back to. Without it, a decision
    refused whole comes back as it was posted (ticks, decision and reason) with why (400)."""
    programme = _programme(slug)
    _allow(request, permissions.can_decide_nominations(request.user, programme))
    countries = sorted(
        (
            member.country
            for member in MemberCountry.objects.filter(programme=programme).select_related(
                "country"
            )
        ),
        key=lambda country: folded(country.name),
    )
    params = request.POST if request.method == "POST" else request.GET
    filters = NominationFilters.read(params, countries)
    form = BulkDecisionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        back = _back_to(request)
        outcome, problems = _decide_posted(request, programme, form, filters)
        if outcome is not None:
            _report(request, outcome)
        for problem in problems:
            messages.error(request, problem)
        # Refused whole (its input, or every country's rules): nothing was saved, and the
        # form comes back as posted, to be put right (say, with the override and a reason).
        refused = outcome is None or (
            not outcome.decided and bool(outcome.refused or outcome.kept_accepted)
        )
        if back or not refused:
            query = filters.query_with(page=filters.page)
            return redirect(back or request.path + (f"?{query}" if query else ""))
        status = 400
    matches = matching_nominations(
        programme, country=filters.country, status=filters.status, search=filters.search
    )
    page = Paginator(matches.ids, PER_PAGE).get_page(filters.page)
    ticked = {posted_id(value) for value in form.data.getlist("nominations")} if form.data else ()
    by_status = [
        {
            "value": "",
            "label": _("All statuses"),
            "count": sum(matches.by_status.values()),
            "query": filters.query_with(status=""),
        },
        *(
            {
                "value": value,
                "label": label,
                "count": matches.by_status[value],
                "query": filters.query_with(status=value),
            }
            for value, label in Nomination.Status.choices
        ),
    ]
    return render(
        request,
        "nominations/decide.html",
        {
            "programme": programme,
            "countries": countries,
            "statuses": Nomination.Status.choices,
            "filters": filters,
            "by_status": by_status,
            "matching": len(matches.ids),
            "people": {"page": page, "query": filters.query},
            "rows": nominations_by_id(page.object_list),
            "ticked": ticked,
            "form": form,
            "actions": DecisionForm.ACTIONS,
            "reason_limit": REASON,
        },
        status=status,
    )


def _decide_posted(request, programme, form, filters):
    """The posted decision made: (its outcome, []), or (None, why nothing was decided)."""
    if not form.is_valid():
        return None, _form_problems(form)
    data = form.cleaned_data
    if data["scope"] == form.MATCHING:
        ids = matching_nominations(
            programme, country=filters.country, status=filters.status, search=filters.search
        ).ids
        if data["expected"] != len(ids):
            return None, [
                ngettext(
                    "The list changed after it was shown: %(count)s nomination matches the "
                    "filters now. Nothing was decided; look at the list again.",
                    "The list changed after it was shown: %(count)s nominations match the "
                    "filters now. Nothing was decided; look at the list again.",
                    len(ids),
                )
                % {"count": len(ids)}
            ]
    else:
        ids = data["nominations"] if data["scope"] == form.TICKED else data["shown"]
    try:
        outcome = services.decide_nominations(
            programme,
            ids,
            data["action"],
            actor=request.user,
            reason=data["reason"],
            override_quota=data["override_quota"],
        )
    except services.NominationError as error:
        return None, [error.message]
    return outcome, []


def _form_problems(form) -> list[str]:
    """Each problem of a refused decision form, once; a reason too long says by how much."""
    too_long = typed_refusal(form, "reason", _("The reason"))
    problems = []
    for name, errors in form.errors.items():
        problems += [too_long] if name == "reason" and too_long else errors
    return list(dict.fromkeys(problems))


def _per_country(nominations) -> str:
    """How many of `nominations` each country has: "Guatemala: 3, Mexico: 4"."""
    counts = Counter(nomination.country.name for nomination in nominations)
    return ", ".join(
        f"{name}: {count}" for name, count in sorted(counts.items(), key=lambda i: folded(i[0]))
    )


def _report(request, outcome) -> None:
    """What a decision did and what it did not, each in a message of its own: the decided
    (success), those accepted already (info), and the refused with why (error)."""
    if outcome.decided:
        count = len(outcome.decided)
        done = {
            "accept": ngettext(
                "%(count)s nomination accepted (%(countries)s): the person now has an account, and "
                "an invitation is on its way.",
                "%(count)s nominations accepted (%(countries)s): each person now has an account, "
                "and an invitation is on its way.",
                count,
            ),
            "reserve": ngettext(
                "%(count)s nomination now on the reserve list (%(countries)s).",
                "%(count)s nominations now on the reserve list (%(countries)s).",
                count,
            ),
            "reject": ngettext(
                "%(count)s nomination rejected (%(countries)s), with the reason given.",
                "%(count)s nominations rejected (%(countries)s), with the reason given.",
                count,
            ),
            "reinstate": ngettext(
                "%(count)s nomination submitted again, to be decided (%(countries)s).",
                "%(count)s nominations submitted again, to be decided (%(countries)s).",
                count,
            ),
        }[outcome.action]
        messages.success(
            request, done % {"count": count, "countries": _per_country(outcome.decided)}
        )
    if outcome.already_accepted:
        count = len(outcome.already_accepted)
        messages.info(
            request,
            ngettext(
                "%(count)s nomination was already accepted: left as it was.",
                "%(count)s nominations were already accepted: left as they were.",
                count,
            )
            % {"count": count},
        )
    if outcome.kept_accepted:
        count = len(outcome.kept_accepted)
        messages.error(
            request,
            ngettext(
                "%(count)s nomination left unchanged (%(countries)s): it is accepted, and an "
                "accepted person keeps their account and place.",
                "%(count)s nominations left unchanged (%(countries)s): they are accepted, and "
                "accepted people keep their accounts and places.",
                count,
            )
            % {"count": count, "countries": _per_country(outcome.kept_accepted)},
        )
    for refusal in outcome.refused:
        count = len(refusal.nominations)
        messages.error(
            request,
            ngettext(
                "Nothing decided for %(country)s (%(count)s nomination): %(why)s",
                "Nothing decided for %(country)s (%(count)s nominations): %(why)s",
                count,
            )
            % {"country": refusal.country.name, "count": count, "why": refusal.message},
        )


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

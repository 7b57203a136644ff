"""The programme's member countries and how many people each may nominate."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from capacita.nominations.selectors import counts_by_country
from capacita.programmes.services import MAX_QUOTA, RoleError, change_quotas
from capacita.shared.access import guarded as _guarded

from .menu import console_menu
from .views import managed


def _posted_quotas(post, rows) -> tuple[dict[int, int], list[str]]:
    """The quotas posted for `rows`, and what could not be read as a whole number."""
    quotas, problems = {}, []
    for row in rows:
        raw = (post.get(f"quota-{row.member.pk}") or "").strip()
        if raw.isdigit() and len(raw) <= 6:
            quotas[row.member.pk] = int(raw)
        else:
            problems.append(
                _("%(country)s: a quota is a whole number from 0 to %(limit)s.")
                % {"country": row.country.name, "limit": MAX_QUOTA}
            )
    return quotas, problems


@_guarded
def countries_page(request, slug):
    programme = managed(request, slug)
    rows = counts_by_country(programme)
    status = 200
    if request.method == "POST":
        quotas, problems = _posted_quotas(request.POST, rows)
        if not problems:
            try:
                changed = change_quotas(programme, quotas, request.user)
            except RoleError as error:
                problems = [error.message]
            else:
                if changed:
                    messages.success(
                        request,
                        ngettext(
                            "The quota of %(count)d country is saved.",
                            "The quotas of %(count)d countries are saved.",
                            len(changed),
                        )
                        % {"count": len(changed)},
                    )
                else:
                    messages.info(request, _("Nothing was changed."))
                return redirect("console:countries", slug=slug)
        for problem in problems:
            messages.error(request, problem)
        status = 400
    return render(
        request,
        "console/countries.html",
        {"programme": programme, "rows": rows, "menu": console_menu(programme), "limit": MAX_QUOTA},
        status=status,
    )

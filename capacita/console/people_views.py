"""The people the programme's agenda names, and the account each is linked to: a speaker or
facilitator linked to their account finds their items and adds their slides."""

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from capacita.programmes.models import Person
from capacita.programmes.services import RoleError, link_person
from capacita.shared.access import guarded as _guarded

from .menu import console_menu
from .views import managed


class LinkForm(forms.Form):
    email = forms.EmailField(
        label=gettext_lazy("E-mail of their account"), required=False, max_length=254
    )


@_guarded
def people_page(request, slug):
    programme = managed(request, slug)
    people = Person.objects.filter(programme=programme).select_related("user").order_by("key")
    return render(
        request,
        "console/people.html",
        {
            "programme": programme,
            "people": [(person, LinkForm(prefix=f"p{person.pk}")) for person in people],
            "menu": console_menu(programme),
        },
    )


@_guarded
@require_POST
def link(request, slug, pk):
    programme = managed(request, slug)
    person = get_object_or_404(Person, programme=programme, pk=pk)
    form = LinkForm(request.POST, prefix=f"p{person.pk}")
    if not form.is_valid():
        messages.error(request, _("Give the e-mail address of an account, e.g. name@example.org."))
        return redirect("console:people", slug=slug)
    try:
        link_person(person, form.cleaned_data["email"], request.user)
    except RoleError as error:
        messages.error(request, error.message)
    else:
        if person.user is None:
            messages.success(
                request, _("%(name)s is no longer linked to an account.") % {"name": person.name}
            )
        else:
            messages.success(
                request,
                _("%(name)s is linked to %(email)s: they find their items and add their slides.")
                % {"name": person.name, "email": person.user.email},
            )
    return redirect("console:people", slug=slug)

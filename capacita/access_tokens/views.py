"""A person's own page of access tokens: make one (shown once), see them, revoke one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import services
from .forms import TokenForm
from .models import AccessToken


@login_required
def tokens(request):
    form = TokenForm(request.POST or None)
    made = None
    if request.method == "POST" and form.is_valid():
        try:
            record, token = services.create_token(
                request.user, form.cleaned_data["name"], days=form.cleaned_data["days"]
            )
        except services.TokenError as exc:
            form.add_error(None, exc.message)
        else:
            # Shown in this answer only: it is kept nowhere, and a reload does not show it.
            made = {"record": record, "token": token}
            form = TokenForm()
    return render(
        request,
        "access_tokens/tokens.html",
        {"form": form, "made": made, "tokens": services.tokens_of(request.user)},
        status=400 if request.method == "POST" and form.errors else 200,
    )


@login_required
@require_POST
def revoke(request, pk):
    record = get_object_or_404(AccessToken, pk=pk, user=request.user)
    services.revoke_token(record, actor=request.user)
    messages.success(request, _("The token “%(name)s” is revoked.") % {"name": record.name})
    return redirect("access_tokens:list")

import mimetypes
from pathlib import PurePosixPath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from capacita.programmes import permissions
from capacita.programmes.models import Programme

from . import services
from .forms import SlidesForm
from .models import AgendaItem, Slides, VirtualSession
from .private_links import LinkRefused, private_link, read_link
from .selectors import agenda_items_of


@login_required
def recording(request, slug, number):
    """A session's recording, for registered people: the link, or the file via a signed link."""
    programme = get_object_or_404(Programme, slug=slug)
    if not permissions.is_registered(request.user, programme):
        raise PermissionDenied
    session = get_object_or_404(VirtualSession, programme=programme, number=number)
    if session.recording_file:
        return redirect(private_link("recording", session.pk, request.user))
    if session.recording_url:
        return redirect(session.recording_url)
    raise Http404


@login_required
def slides(request, slug, pk):
    programme = get_object_or_404(Programme, slug=slug)
    if not permissions.is_registered(request.user, programme):
        raise PermissionDenied
    item = get_object_or_404(Slides, pk=pk, item__session__programme=programme)
    return redirect(private_link("slides", item.pk, request.user))


@login_required
def open_file(request, token):
    try:
        kind, pk = read_link(token, request.user)
    except LinkRefused as refused:
        return render(request, "agenda/link_refused.html", {"expired": refused.expired}, status=403)
    if kind == "recording":
        session = get_object_or_404(VirtualSession, pk=pk)
        programme, file = session.programme, session.recording_file
        inline = True
    elif kind == "slides":
        item = get_object_or_404(Slides.objects.select_related("item__session"), pk=pk)
        programme, file = item.item.session.programme, item.file
        inline = False
    else:
        raise Http404
    # Whoever was registered when the link was made must still be.
    if not file or not permissions.is_registered(request.user, programme):
        raise PermissionDenied
    name = PurePosixPath(file.name).name
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse(
        file.open("rb"), as_attachment=not inline, filename=name, content_type=content_type
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _items_page(request, programme, failed: tuple[int, SlidesForm] | None = None):
    """The page of one's part in the agenda, with an upload form per item (`failed`: the
    item whose form came back with errors, and that form)."""
    items = (
        agenda_items_of(request.user, programme)
        .select_related("session")
        .prefetch_related("slides__uploaded_by", "participants__person")
        .order_by("starts_at")
    )
    rows = []
    for item in items:
        form = failed[1] if failed and failed[0] == item.pk else None
        rows.append((item, form or SlidesForm(prefix=f"item-{item.pk}")))
    # The groups they facilitate, read through the account's relation: the group work is an
    # app above the agenda.
    groups = (
        request.user.facilitated_groups.filter(session_work__session__programme=programme)
        .select_related("session_work__session")
        .order_by("session_work__session__number", "pk")
    )
    return render(
        request,
        "agenda/my_items.html",
        {
            "programme": programme,
            "rows": rows,
            "groups": groups,
            "is_manager": permissions.is_manager(request.user, programme),
            "is_registered": permissions.is_registered(request.user, programme),
        },
    )


@login_required
def my_items(request, slug):
    """A facilitator's or speaker's agenda items, each with its slides and an upload form."""
    programme = get_object_or_404(Programme, slug=slug)
    if not permissions.can_see_own_agenda_items(request.user, programme):
        raise PermissionDenied
    return _items_page(request, programme)


@login_required
@require_POST
def add_slides(request, slug, item_id):
    programme = get_object_or_404(Programme, slug=slug)
    item = get_object_or_404(
        AgendaItem.objects.select_related("session__programme"),
        pk=item_id,
        session__programme=programme,
    )
    if not permissions.can_add_slides(request.user, item):
        raise PermissionDenied
    form = SlidesForm(request.POST, request.FILES, prefix=f"item-{item.pk}")
    if not form.is_valid():
        return _items_page(request, programme, failed=(item.pk, form))
    services.add_slides(item, form.cleaned_data["title"], form.cleaned_data["file"], request.user)
    messages.success(
        request,
        _("“%(title)s” is on the programme's page for registered people.")
        % {"title": form.cleaned_data["title"]},
    )
    return redirect(reverse("agenda:my_items", kwargs={"slug": slug}) + f"#item-{item.pk}")


@login_required
@require_POST
def remove_slides(request, slug, pk):
    programme = get_object_or_404(Programme, slug=slug)
    slides = get_object_or_404(
        Slides.objects.select_related("item__session__programme"),
        pk=pk,
        item__session__programme=programme,
    )
    if not permissions.can_remove_slides(request.user, slides):
        raise PermissionDenied
    item_id, title = slides.item_id, slides.title
    services.remove_slides(slides)
    messages.success(request, _("“%(title)s” is taken down.") % {"title": title})
    return redirect(reverse("agenda:my_items", kwargs={"slug": slug}) + f"#item-{item_id}")

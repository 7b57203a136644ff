import mimetypes
from pathlib import PurePosixPath

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render

from capacita import permissions
from capacita.programmes.models import Programme

from .models import Slides, VirtualSession
from .private_links import LinkRefused, private_link, read_link


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

"""A kind of long work: the page that starts it, the page of one job (its progress, then its
file or its outcome), and the file."""

from __future__ import annotations

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render

from capacita.programmes.models import Programme
from capacita.shared.access import allow as _allow
from capacita.shared.access import guarded as _guarded

from . import services
from .kinds import chosen_params, kind_of
from .models import Job

RECENT = 5


def _kind(request, slug, code):
    programme = get_object_or_404(Programme, slug=slug)
    kind = kind_of(code)
    if kind is None:
        raise Http404
    _allow(request, kind.may(request.user, programme))
    return programme, kind


@_guarded
def start(request, slug, kind):
    """GET: what the work does, the button that starts it, and its recent runs. POST: start
    it (or join the run already waiting or running) and go to its page."""
    programme, kind = _kind(request, slug, kind)
    params = chosen_params(kind, request.POST if request.method == "POST" else request.GET)
    _allow(request, kind.allows(request.user, programme, params))
    if request.method == "POST":
        job = services.request_job(programme, kind, request.user, params=params)
        return redirect("jobs:job", slug=slug, pk=job.pk)
    # The runs of the same work: the same choices, and the asker's own for personal work.
    recent = Job.objects.filter(
        programme=programme, kind=kind.code, key=services.work_key(kind, request.user, params)
    )
    return render(
        request,
        "jobs/start.html",
        {
            "programme": programme,
            "kind": kind,
            "params": params,
            "chosen": kind.chosen(programme, params),
            "recent": recent.select_related("requested_by")[:RECENT],
        },
    )


def _job(request, slug, pk):
    programme = get_object_or_404(Programme, slug=slug)
    job = get_object_or_404(Job, programme=programme, pk=pk)
    kind = kind_of(job.kind)
    _allow(request, services.may_reach(request.user, job, kind))
    return programme, kind, job


@_guarded
def job(request, slug, pk):
    """One job: waiting, its progress while it runs (the page reloads itself), then its file
    or what it did, or that it failed."""
    programme, kind, job = _job(request, slug, pk)
    return render(
        request,
        "jobs/job.html",
        {
            "programme": programme,
            "kind": kind,
            "job": job,
            "outcome": kind.describe(job.outcome) if job.state == Job.State.DONE else "",
            "chosen": kind.chosen(programme, job.params),
        },
    )


@_guarded
def download(request, slug, pk, ext):
    programme, kind, job = _job(request, slug, pk)
    if job.state != Job.State.DONE or not job.file or job.extension != ext:
        raise Http404
    if not job.file.storage.exists(job.file.name):
        raise Http404
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.file_name)

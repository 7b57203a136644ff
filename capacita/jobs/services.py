"""Asking for long work, doing it, and removing it when it has expired."""

from __future__ import annotations

import logging
import time

from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from capacita.audit.services import audit_record
from capacita.shared.errors import UserError

from .kinds import JobKind, kind_of
from .models import GIVEN_UP_AFTER, KEPT_FOR, Job

logger = logging.getLogger(__name__)

# Progress is written at most this often (seconds): a page reading it refreshes every few.
PROGRESS_EVERY = 0.5


def work_key(kind: JobKind, actor, params: dict) -> str:
    """What makes two asks the same work: the choices, and the asker for personal work."""
    parts = [f"{name}={params[name]}" for name in sorted(params)]
    if kind.personal:
        parts.insert(0, f"by={getattr(actor, 'pk', '')}")
    return "&".join(parts)[:200]


def unfinished(programme, kind: JobKind, language: str, key: str = "") -> Job | None:
    return Job.objects.filter(
        programme=programme, kind=kind.code, language=language, key=key, state__in=Job.UNFINISHED
    ).first()


def under_way(programme, code: str) -> Job | None:
    """The job of kind `code` waiting or running for `programme`, in any language."""
    return Job.objects.filter(programme=programme, kind=code, state__in=Job.UNFINISHED).first()


def may_reach(user, job: Job, kind: JobKind | None) -> bool:
    """Whether `user` may follow `job` and take its file: whoever may ask for its kind, and
    for personal work only its asker."""
    if kind is None or not kind.may(user, job.programme):
        return False
    return not kind.personal or (job.requested_by_id is not None and job.requested_by_id == user.pk)


def request_job(
    programme, kind: JobKind, actor, language: str | None = None, params: dict | None = None
) -> Job:
    """The job doing `kind` for `programme` with `params` (the kind's choices): the same work
    waiting or running in `language` (the active one by default), else a new job, queued for
    the worker. Two askers of the same work at once get the same job (the database keeps one
    unfinished job per kind, language and `key`)."""
    # The task's module imports this one: it is imported when a job is asked for.
    from .tasks import run_job

    language = language or translation.get_language() or "es"
    language = language[:2]
    params = {name: value for name, value in (params or {}).items() if name in kind.params}
    key = work_key(kind, actor, params)
    existing = unfinished(programme, kind, language, key)
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            job = Job.objects.create(
                programme=programme,
                kind=kind.code,
                language=language,
                requested_by=actor,
                params=params,
                key=key,
            )
            audit_record(
                actor=actor,
                action="job.requested",
                subject=job,
                programme=programme,
                details={"work": kind.code, "language": language, **params},
            )
            transaction.on_commit(lambda: run_job.enqueue(job.pk))
    except IntegrityError:  # asked for at the same moment by someone else
        return unfinished(programme, kind, language, key)
    return job


def run(job_id: int) -> str:
    """Do job `job_id` once: "done", "failed", or "skipped" when another run has it or it is
    gone. The work's errors are logged, not raised: the job says it failed."""
    claimed = Job.objects.filter(pk=job_id, state=Job.State.WAITING).update(
        state=Job.State.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return "skipped"
    job = Job.objects.select_related("programme", "requested_by").get(pk=job_id)
    kind = kind_of(job.kind)
    last = [0.0]

    def progress(done: int, total: int | None) -> None:
        now = time.monotonic()
        if now - last[0] >= PROGRESS_EVERY or (total is not None and done >= total):
            last[0] = now
            Job.objects.filter(pk=job.pk).update(done=done, total=total)

    try:
        if kind is None:
            raise LookupError(f"no kind of job named {job.kind!r}")
        with translation.override(job.language):
            made = kind.make(job, progress)
        if made.path is not None:
            with open(made.path, "rb") as handle:
                job.file.save(f"{job.pk}-{job.kind}", File(handle), save=False)
            made.path.unlink(missing_ok=True)
    except UserError as refusal:
        # A refusal to put in words for the asker (another site refusing, nothing to do): the
        # job failed, and its page says why and what to fix, in the asker's language.
        Job.objects.filter(pk=job.pk).update(
            state=Job.State.FAILED,
            finished_at=timezone.now(),
            outcome={"refusal": refusal.message[:1000]},
        )
        return "failed"
    except Exception:
        logger.exception("Job %s (%s) failed", job.pk, job.kind)
        Job.objects.filter(pk=job.pk).update(state=Job.State.FAILED, finished_at=timezone.now())
        return "failed"
    Job.objects.filter(pk=job.pk).update(
        state=Job.State.DONE,
        finished_at=timezone.now(),
        file=job.file.name or "",
        file_name=made.file_name[:200],
        outcome=made.outcome,
    )
    return "done"


def remove_expired(now=None) -> tuple[int, int]:
    """Remove the jobs finished more than `KEPT_FOR` ago, with their files, and mark failed
    those left unfinished for more than `GIVEN_UP_AFTER` (their worker was lost). Returns how
    many of each."""
    now = now or timezone.now()
    given_up = Job.objects.filter(
        state__in=Job.UNFINISHED, requested_at__lt=now - GIVEN_UP_AFTER
    ).update(state=Job.State.FAILED, finished_at=now)
    removed = 0
    for job in Job.objects.filter(finished_at__lt=now - KEPT_FOR):
        job.delete()  # its file goes with it (`models._remove_file`)
        removed += 1
    return removed, given_up

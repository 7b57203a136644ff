"""A piece of long work asked for by a manager and done by the task worker: its progress
while it runs, its file or its outcome when it is done, for a day."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models.signals import post_delete
from django.utils.translation import gettext_lazy as _

from capacita.programmes.models import Programme
from capacita.shared.storage import private_storage

# A finished job's file (and the job) is kept this long, then removed by
# `capacita remove_expired_jobs`.
KEPT_FOR = timedelta(hours=24)
# A job not finished after this long was lost with its worker: it is marked failed, so that
# the same work can be asked for again.
GIVEN_UP_AFTER = timedelta(hours=6)


class Job(models.Model):
    class State(models.TextChoices):
        WAITING = "waiting", _("waiting for its turn")
        RUNNING = "running", _("in progress")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    UNFINISHED = (State.WAITING, State.RUNNING)

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="jobs")
    # One of `capacita.jobs.kinds.REGISTRY`: the apps that do the work register their kinds.
    kind = models.CharField(_("kind"), max_length=40)
    language = models.CharField(_("language"), max_length=2)
    state = models.CharField(_("state"), max_length=7, choices=State.choices, default=State.WAITING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("asked for by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("asked for at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    done = models.PositiveIntegerField(_("done"), default=0)
    total = models.PositiveIntegerField(_("to do"), null=True, blank=True)
    file = models.FileField(_("file"), storage=private_storage, upload_to="jobs/", blank=True)
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    # Figures of what was done (certificates issued…), put in words by the job's kind.
    outcome = models.JSONField(_("outcome"), default=dict, blank=True)
    # What the asker chose (a country, a status), among the kind's `params`; and what makes
    # two asks the same work: the choices, and the asker for work made for the asker alone.
    params = models.JSONField(_("choices"), default=dict, blank=True)
    key = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            # Asking twice for the same work while it waits or runs joins it (in each
            # language, as a file is made in its asker's).
            models.UniqueConstraint(
                fields=["programme", "kind", "language", "key"],
                condition=models.Q(state__in=["waiting", "running"]),
                name="jobs_one_unfinished_per_kind",
            )
        ]

    def __str__(self):
        return f"{self.programme} · {self.kind} · {self.get_state_display()}"

    @property
    def is_finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)

    @property
    def expires_at(self):
        return self.finished_at + KEPT_FOR if self.finished_at else None

    @property
    def extension(self) -> str:
        """The file's extension, as its download's address ends: "zip", "pdf"…"""
        return self.file_name.rsplit(".", 1)[-1].lower() if "." in self.file_name else ""

    @property
    def percent(self) -> int | None:
        if not self.total:
            return None
        return min(100, round(100 * self.done / self.total))


def _remove_file(sender, instance: Job, **kwargs) -> None:
    if instance.file and instance.file.name:
        instance.file.storage.delete(instance.file.name)


def connect_receivers() -> None:
    post_delete.connect(_remove_file, sender=Job, dispatch_uid="jobs.remove_file")

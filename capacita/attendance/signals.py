"""Keeping attendance in line with what it depends on, whoever changes it.

A session's verdicts depend on the programme's attendance threshold and on the session's
scheduled start and end. Both are edited in the administration site (or by loading a
programme file); when either changes for a session that has reports, its records are
recomputed in the same transaction (`services.recompute_session`; hand corrections keep
their status).
"""

from __future__ import annotations

from django.db import transaction

from .services import recompute_session


def remember_programme(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or instance.pk is None:
        return
    if update_fields is not None and "attendance_threshold" not in update_fields:
        return
    instance._attendance_threshold_before = (
        sender.objects.filter(pk=instance.pk).values_list("attendance_threshold", flat=True).first()
    )


def programme_saved(sender, instance, created, raw=False, **kwargs):
    before = instance.__dict__.pop("_attendance_threshold_before", None)
    if raw or created or before is None or before == instance.attendance_threshold:
        return
    with transaction.atomic():
        for session in instance.sessions.filter(meeting_reports__isnull=False).distinct():
            session.programme = instance
            recompute_session(session)


def remember_session(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or instance.pk is None:
        return
    if update_fields is not None and not {"starts_at", "ends_at"} & set(update_fields):
        return
    instance._attendance_times_before = (
        sender.objects.filter(pk=instance.pk).values_list("starts_at", "ends_at").first()
    )


def session_saved(sender, instance, created, raw=False, **kwargs):
    before = instance.__dict__.pop("_attendance_times_before", None)
    if raw or created or before is None or before == (instance.starts_at, instance.ends_at):
        return
    if instance.meeting_reports.exists():
        recompute_session(instance)

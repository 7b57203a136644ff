"""Fixtures for the progress, reminders and private-file tests."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core.files.storage import storages

from capacita.agenda.models import Slides, VirtualSession
from capacita.attendance.models import AttendanceRecord
from capacita.completions.models import CourseCompletion
from capacita.programmes.events import progress_changed
from capacita.programmes.models import Membership, Role

PROGRAMME = "/en/programmes/crm-2021"
REQUIRED_COURSES = ("corporate-responsibility", "migration-trends")
OPTIONAL_COURSE = "vulnerable-migrants"


def person(email: str):
    return get_user_model().objects.get(email=email)


@pytest.fixture
def participant_do(demo):
    """The demo's participant from the Dominican Republic, who reads English."""
    return person("participant.do@example.org")


def attend(programme, user, number: int, status: str = AttendanceRecord.Status.PRESENT, **extra):
    """A record as the meeting reports' import leaves it, kept progress included."""
    record = AttendanceRecord.objects.create(
        session=programme.sessions.get(number=number),
        user=user,
        status=status,
        imported_status=status,
        imported_minutes=110 if status == AttendanceRecord.Status.PRESENT else 0,
        **extra,
    )
    progress_changed(programme, [user.pk])
    return record


def complete(programme, user, code: str, *, late: bool = False, completed: bool = True):
    """A completion as a hand mark leaves it, kept progress included."""
    course = programme.courses.get(code=code)
    completion = CourseCompletion.objects.create(
        course=course,
        user=user,
        completed=completed,
        completed_at=(course.deadline + dt.timedelta(days=2 if late else -3))
        if completed
        else None,
        is_late=late,
        source=CourseCompletion.Source.HAND,
    )
    progress_changed(programme, [user.pk])
    return completion


def complete_everything(programme, user):
    """Every session attended and every required course completed (the optional one not)."""
    for number in (1, 2, 3):
        attend(programme, user, number)
    for code in REQUIRED_COURSES:
        complete(programme, user, code)


def participant_ids(programme, country: str | None = None) -> set[int]:
    memberships = Membership.objects.filter(programme=programme, role=Role.PARTICIPANT)
    if country:
        memberships = memberships.filter(country__code=country)
    return set(memberships.values_list("user_id", flat=True))


@pytest.fixture
def private_files(settings, tmp_path, monkeypatch):
    """The "private" storage in a temporary folder, for the recordings and slides.

    The file fields take their storage when the models are imported, so overriding
    STORAGES alone does not reach them: the fields are pointed at the new backend too.
    """
    location = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": location, "base_url": None},
        },
    }
    storages._storages = {}
    storage = storages["private"]
    monkeypatch.setattr(VirtualSession._meta.get_field("recording_file"), "storage", storage)
    monkeypatch.setattr(Slides._meta.get_field("file"), "storage", storage)
    yield storage
    storages._storages = {}

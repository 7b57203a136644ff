from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from capacita.programmes.models import Course
from tests.fakes.moodle import Course as MoodleCourse
from tests.fakes.moodle import FakeMoodle, serve

MX = "participant.mx@example.org"
DO = "participant.do@example.org"
ON_TIME = int(dt.datetime(2021, 11, 1, 15, 0, tzinfo=dt.UTC).timestamp())
EARLIER = int(dt.datetime(2021, 10, 20, 15, 0, tzinfo=dt.UTC).timestamp())


@pytest.fixture
def course(programme) -> Course:
    """A required course of the 2021 programme: deadline the end of 5 November 2021 in
    Mexico City (2021-11-06 05:59:59 UTC)."""
    return Course.objects.get(programme=programme, code="migration-trends")


@pytest.fixture
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def moodle(settings):
    fake = FakeMoodle(users={11: MX, 12: DO, 13: "someone.else@example.org"})
    url, stop = serve(fake)
    settings.MOODLE_URL = url + "/"
    settings.MOODLE_TOKEN = fake.token
    yield fake
    stop()


@pytest.fixture
def linked(course, moodle):
    """The course named on the fake site: MX completed it on time (every criterion, the last
    one counting), DO enrolled without completing it."""
    course.moodle_course = "MIG-TRENDS"
    course.save()
    moodle.courses.append(
        MoodleCourse(
            id=7,
            shortname="MIG-TRENDS",
            enrolled={11, 12},
            criteria={11: [(True, EARLIER), (True, ON_TIME)], 12: [(True, EARLIER), (False, None)]},
        )
    )
    return course

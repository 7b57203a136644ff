"""Session 3 of the 2021 programme with two groups of our own, studying the demo's case."""

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation

from capacita.case_study.models import SessionCase
from capacita.development.demo_case import DEMO_CASE_FILE, load_case, load_catalogue
from capacita.groupwork.models import GroupMember, Perspective, SessionWork, WorkGroup


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def case(db):
    load_catalogue()
    return load_case(DEMO_CASE_FILE)


@pytest.fixture
def session_3(programme):
    """Session 3's group work, built here whatever the demo made of it."""
    session = programme.sessions.get(number=3)
    SessionWork.objects.filter(session=session).delete()
    return SessionWork.objects.create(session=session, grouping=SessionWork.Grouping.THEME)


def _group(session_work, position, perspective, name):
    return WorkGroup.objects.create(
        session_work=session_work,
        position=position,
        perspective=perspective,
        name_es=f"Grupo {position}",
        name_en=name,
    )


@pytest.fixture
def groups(session_3, case, users):
    """Group 1 (protection) with the MX participant, group 2 (inclusion) with the DO one."""
    SessionCase.objects.create(session_work=session_3, case=case)
    protection = _group(session_3, 1, Perspective.PROTECTION, "Group 1: protection")
    inclusion = _group(session_3, 2, Perspective.INCLUSION, "Group 2: inclusion")
    User = get_user_model()
    for group, email in (
        (protection, "participant.mx@example.org"),
        (inclusion, "participant.do@example.org"),
    ):
        GroupMember.objects.create(
            group=group, session_work=session_3, user=User.objects.get(email=email)
        )
    return protection, inclusion

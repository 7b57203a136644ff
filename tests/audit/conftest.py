import pytest
from django.utils import translation

from capacita.audit.models import AuditEvent
from capacita.audit.services import audit_record
from capacita.nominations.models import Nomination
from capacita.programmes.models import Country
from tests.progress.conftest import attend, person


@pytest.fixture(autouse=True)
def _english():
    """The labels these tests read are the English ones, whatever ran before them."""
    with translation.override("en"):
        yield


@pytest.fixture
def programme(demo):
    """The demo programme with an empty record, so that each test counts only its events."""
    AuditEvent.objects.filter(programme=demo).delete()
    return demo


@pytest.fixture
def participant(programme):
    return person("participant.mx@example.org")


@pytest.fixture
def participant_do(programme):
    return person("participant.do@example.org")


def nomination(programme, email="ana.lopez@example.org", first="Ana", last="López"):
    return Nomination.objects.create(
        programme=programme,
        country=Country.objects.get(code="MX"),
        first_name=first,
        last_name=last,
        position="Analista",
        institution="Protección Civil",
        email=email,
    )


def correction(programme, user, actor, *, reason="Corrección", number=1):
    """An attendance correction recorded straight, as the attendance service records it."""
    record = attend(programme, user, number)
    return audit_record(
        actor=actor,
        action=AuditEvent.Action.ATTENDANCE_CORRECTED,
        subject=record,
        programme=programme,
        reason=reason,
        details={"session": number, "user": user.email},
    )

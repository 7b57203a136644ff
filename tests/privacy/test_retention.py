import datetime as dt
from io import StringIO

from django.core.management import call_command
from django.urls import reverse

from capacita.emails.models import OutgoingEmail
from capacita.privacy.models import Retention
from capacita.privacy.retention import due_for_anonymisation, set_retention
from capacita.programmes.models import Membership, Role


def reminders():
    return OutgoingEmail.objects.filter(kind="privacy.retention")


def test_managers_are_reminded_once_when_the_date_passes(programme):
    set_retention(programme, dt.date.today() - dt.timedelta(days=1))
    managers = Membership.objects.filter(programme=programme, role=Role.MANAGER).count()

    call_command("remind_retention", stdout=StringIO())
    call_command("remind_retention", stdout=StringIO())

    assert reminders().count() == managers >= 1
    email = reminders().get(to="manager@example.org")
    assert email.language == "en"
    assert "retention period has passed" in email.subject
    assert "/en/programmes/crm-2021/personal-data/" in email.body_text
    assert Retention.objects.get(programme=programme).reminded_at is not None


def test_no_reminder_before_the_date(programme):
    set_retention(programme, dt.date.today() + dt.timedelta(days=1))
    call_command("remind_retention", stdout=StringIO())
    assert not reminders().exists()
    assert not due_for_anonymisation(dt.date.today()).exists()


def test_a_new_date_means_a_new_reminder(programme):
    set_retention(programme, dt.date.today() - dt.timedelta(days=1))
    call_command("remind_retention", stdout=StringIO())
    set_retention(programme, dt.date.today() - dt.timedelta(days=2))
    assert list(due_for_anonymisation(dt.date.today()).filter(reminded_at=None)) == [
        programme.retention
    ]


def test_a_manager_sets_the_date(client_as, programme):
    response = client_as("manager").post(
        reverse("privacy:retention", args=[programme.slug]), {"keep_until": "2026-01-31"}
    )
    assert response.status_code == 302
    assert Retention.objects.get(programme=programme).keep_until == dt.date(2026, 1, 31)

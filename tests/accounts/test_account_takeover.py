"""No account can be taken over through a role, an invitation or the outbox.

The attack this closes: a programme manager registered a superuser's address as an
observer; the invitation carried a link that set the account's password, stored in the
outbox the manager reads in the administration site. Now a link that sets a password goes
only to an account that never had one, a manager cannot give a role beyond their own
programmes, and no stored e-mail holds a working one-time link.
"""

from __future__ import annotations

import datetime as dt
import html
import inspect
import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.db.models.signals import post_save
from django.utils import timezone

import capacita
from capacita.accounts.invitations import one_time_url
from capacita.certificates.services import issue_by_hand
from capacita.emails.models import OutgoingEmail
from capacita.nominations.models import Nomination
from capacita.nominations.services import NominationError, accept_nominations
from capacita.privacy.removal import request_removal
from capacita.privacy.retention import remind_retention, set_retention
from capacita.programmes.models import Country, Membership, Role
from capacita.progress.reminders import send_due_reminders
from tests.emails.sent import sent_text
from tests.other_programme import another_programme

User = get_user_model()
OBSERVERS = "/{lang}/programmes/crm-2021/observers/"
FOCAL_POINTS = "/{lang}/programmes/crm-2021/focal-points/"
DAY_BEFORE_SESSION_1 = dt.datetime(2021, 10, 25, 20, 0, tzinfo=dt.UTC)
WEEK_BEFORE_DEADLINE = dt.datetime(2021, 10, 30, 12, 0, tzinfo=dt.UTC)
PASSWORD_FORM = 'name="new_password1"'


def observer(email, **changes):
    return {
        "first_name": "Rocío",
        "last_name": "Saldaña",
        "email": email,
        "language": "es",
        "organisation": "RROCM",
        **changes,
    }


def focal_point(email):
    return {
        "first_name": "Ariel",
        "last_name": "Castillo",
        "email": email,
        "language": "en",
        "country": Country.objects.get(code="PA").pk,
    }


def second_programme_with_its_manager():
    programme = another_programme()
    manager = User.objects.create_user(
        "gestora.otra@example.org", "x", first_name="Gestora", last_name="Otra", is_staff=True
    )
    Membership.objects.create(programme=programme, user=manager, role=Role.MANAGER)
    return programme, manager


def site_path(url: str) -> str | None:
    """The path of `url` on this site, or None for another site's address."""
    site = django_settings.SITE_URL.rstrip("/")
    return url[len(site) :] or "/" if url.startswith(site) else None


def links_in(*texts: str) -> list[str]:
    return [
        html.unescape(match.rstrip(".,;)"))
        for text in texts
        for match in re.findall(r"https?://[^\s<>\"']+", text)
    ]


def opens_password_form(client, path: str) -> bool:
    response = client.get(path, follow=True)
    return PASSWORD_FORM in response.content.decode()


# --- the role: refused beyond the manager's own programmes ---------------------------------


@pytest.mark.parametrize("lang", ["es", "en"])
@pytest.mark.parametrize("page", [OBSERVERS, FOCAL_POINTS])
def test_a_manager_cannot_give_a_role_to_a_superuser(client_as, users, page, lang):
    root = users["superuser"]
    data = observer(root.email) if page == OBSERVERS else focal_point(root.email)
    mails_before = OutgoingEmail.objects.count()

    response = client_as("manager").post(page.format(lang=lang), data, follow=True)

    text = html.unescape(response.content.decode())
    expected = {
        "es": "es la cuenta de una persona administradora o de quien gestiona otro programa",
        "en": "is the account of an administrator or of a manager of another programme",
    }[lang]
    assert expected in text
    assert not Membership.objects.filter(user=root).exists()
    assert OutgoingEmail.objects.count() == mails_before


def test_a_manager_cannot_give_a_role_to_another_programmes_manager(client_as, users, demo):
    _other, other_manager = second_programme_with_its_manager()

    response = client_as("manager").post(
        OBSERVERS.format(lang="en"), observer(other_manager.email), follow=True
    )

    assert "manager of another programme" in html.unescape(response.content.decode())
    assert not Membership.objects.filter(programme=demo, user=other_manager).exists()
    assert not OutgoingEmail.objects.filter(to=other_manager.email).exists()


def test_a_manager_cannot_give_a_role_to_a_staff_account_of_no_programme(client_as, users):
    staff = User.objects.create_user(
        "soporte@example.org", "x", first_name="Soporte", last_name="Técnico", is_staff=True
    )
    client_as("manager").post(OBSERVERS.format(lang="en"), observer(staff.email))
    assert not Membership.objects.filter(user=staff).exists()


def test_a_manager_may_register_a_colleague_of_their_own_programme(client_as, users, demo):
    colleague = User.objects.create_user(
        "colega@example.org", "x", first_name="Colega", last_name="Gestora", is_staff=True
    )
    Membership.objects.create(programme=demo, user=colleague, role=Role.MANAGER)

    client_as("manager").post(OBSERVERS.format(lang="en"), observer(colleague.email))

    assert Membership.objects.filter(user=colleague, role=Role.OBSERVER).exists()


def test_a_superuser_may_give_a_role_to_anyone(client_as, users):
    _other, other_manager = second_programme_with_its_manager()
    client_as("superuser").post(OBSERVERS.format(lang="en"), observer(other_manager.email))
    assert Membership.objects.filter(user=other_manager, role=Role.OBSERVER).exists()


def test_accepting_a_nomination_of_a_superusers_address_is_refused(demo, users):
    nomination = Nomination.objects.filter(
        programme=demo, status=Nomination.Status.SUBMITTED
    ).first()
    Nomination.objects.filter(pk=nomination.pk).update(email=users["superuser"].email)
    nomination.refresh_from_db()

    with pytest.raises(NominationError, match="administrator"):
        accept_nominations([nomination], actor=users["manager"])

    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.SUBMITTED
    assert not Membership.objects.filter(user=users["superuser"]).exists()


def test_the_administration_site_refuses_the_same_membership(client_as, users, demo):
    response = client_as("manager").post(
        "/en/admin/programmes/membership/add/",
        {"programme": demo.pk, "user": users["superuser"].pk, "role": Role.OBSERVER},
    )
    assert response.status_code == 200
    assert "manager of another programme" in html.unescape(response.content.decode())
    assert not Membership.objects.filter(user=users["superuser"]).exists()


# --- the e-mail: a notice to an account that has a password, a link only to one without ---


def test_an_account_with_a_password_gets_a_notice_of_its_role_not_a_link(client_as, users):
    participant = users["participant"]

    client_as("manager").post(OBSERVERS.format(lang="en"), observer(participant.email))

    [notice] = OutgoingEmail.objects.filter(to=participant.email, kind="invitation.observer")
    assert notice.link_kind == ""
    text = sent_text(notice)
    assert "/es/accounts/login/" in text
    assert "/welcome/" not in text and "/reset/" not in text
    assert "¿Olvidó su contraseña?" in text
    client_as(None)
    for link in links_in(text):
        path = site_path(link)
        assert path is None or not opens_password_form(client_as(None), path), link


def test_a_new_account_gets_the_link_only_when_the_email_is_sent(client_as, users):
    client_as("manager").post(OBSERVERS.format(lang="en"), observer("nueva@example.org"))

    [invitation] = OutgoingEmail.objects.filter(to="nueva@example.org")
    assert invitation.link_kind == "welcome"
    assert "/welcome/" not in invitation.body_text
    [link] = [link for link in links_in(sent_text(invitation)) if "/welcome/" in link]
    assert opens_password_form(client_as(None), site_path(link))


def test_the_welcome_page_refuses_an_account_that_has_a_password(client, users):
    """Even a link made for it (an old e-mail, a token from anywhere) sets no password."""
    root = users["superuser"]
    link = site_path(one_time_url(root, "accounts:welcome"))

    response = client.get(link, follow=True)

    assert PASSWORD_FORM not in response.content.decode()
    assert "This link no longer works" in html.unescape(
        client.get(link.replace("/es/", "/en/"), follow=True).content.decode()
    )
    form_url = link.rsplit("/", 2)[0] + "/set-password/"
    client.post(form_url, {"new_password1": "Tomada-2026!x", "new_password2": "Tomada-2026!x"})
    root.refresh_from_db()
    assert not root.check_password("Tomada-2026!x")


# --- every e-mail the platform writes: no stored copy opens a password form ----------------


def modules_that_queue_email() -> set[str]:
    """The modules of the application, outside the outbox itself, that write e-mails."""
    root = Path(capacita.__file__).parent
    return {
        ".".join(path.relative_to(root.parent).with_suffix("").parts)
        for path in root.rglob("*.py")
        if path.parent.name != "emails" and "queue_email(" in path.read_text()
    }


@pytest.fixture
def writers():
    """Records which module of the application wrote each e-mail saved meanwhile."""
    seen: set[str] = set()

    def note(sender, instance, created, **kwargs):
        # The frames themselves, not inspect.stack(), which reads every frame's source file:
        # hundreds of e-mails are saved here.
        frame = inspect.currentframe().f_back
        while frame is not None:
            module = frame.f_globals.get("__name__", "")
            if module.startswith("capacita.") and not module.startswith("capacita.emails"):
                seen.add(module)
                break
            frame = frame.f_back

    post_save.connect(note, sender=OutgoingEmail, weak=False)
    yield seen
    post_save.disconnect(note, sender=OutgoingEmail)


def write_every_kind_of_email(demo, users, client_as):
    manager = users["manager"]
    # Invitations: a new focal point, a new observer, accepted nominees; notices of a role to
    # accounts that already have a password (a participant made observer).
    client_as("manager").post(FOCAL_POINTS.format(lang="en"), focal_point("nuevo.fp@example.pa"))
    client_as("manager").post(OBSERVERS.format(lang="es"), observer("nuevo.obs@example.org"))
    client_as("manager").post(OBSERVERS.format(lang="en"), observer(users["participant"].email))
    waiting = Nomination.objects.filter(programme=demo, status=Nomination.Status.SUBMITTED)
    accept_nominations(
        list(waiting.order_by("pk")[:2]), actor=manager, override_quota=True, reason="prueba"
    )
    # "Forgot your password?" for an account with a password and one without.
    client_as(None).post("/es/accounts/password-reset/", {"email": users["focal_point"].email})
    client_as(None).post("/en/accounts/password-reset/", {"email": "nuevo.obs@example.org"})
    # Reminders of a session and of a course's deadline.
    send_due_reminders(DAY_BEFORE_SESSION_1)
    send_due_reminders(WEEK_BEFORE_DEADLINE)
    # A certificate, a removal request, the retention reminder.
    issue_by_hand(demo, users["participant"], "Asistió a todo", manager)
    request_removal(users["participant"], demo, "Quiero que borren mis datos")
    set_retention(demo, timezone.localdate() - dt.timedelta(days=1))
    remind_retention()


def test_no_stored_email_holds_a_working_one_time_link(demo, users, client_as, writers):
    OutgoingEmail.objects.all().delete()

    write_every_kind_of_email(demo, users, client_as)

    emails = list(OutgoingEmail.objects.select_related("user"))
    kinds = {email.kind for email in emails}
    assert {
        "invitation.focal_point",
        "invitation.observer",
        "invitation.participant",
        "password_reset",
        "reminder.session",
        "reminder.deadline",
        "certificate",
        "privacy.removal_requested",
        "privacy.retention",
    } <= kinds, kinds
    # Every module that writes e-mail wrote some here: a new kind of e-mail must be added.
    assert modules_that_queue_email() <= writers, modules_that_queue_email() - writers

    # Most e-mails carry the same few links (the programme's pages, the login): each reader
    # follows each address once, and every e-mail's links are checked against that answer.
    answers = {}

    def opens_for(role, path):
        if (role, path) not in answers:
            answers[role, path] = opens_password_form(client_as(role), path)
        return answers[role, path]

    followed = 0
    for email in emails:
        stored = (email.subject, email.body_text, email.body_html)
        assert not any("/welcome/" in text or "/reset/" in text for text in stored), email.kind
        for link in links_in(*stored):
            path = site_path(link)
            if path is not None:
                followed += 1
                assert not opens_for(None, path), (email.kind, link)
                assert not opens_for("manager", path), (email.kind, link)
    assert followed >= len(emails)

    # The outbox as its readers see it: the administration site.
    reader = client_as("manager")
    admin_links = []
    for email in emails:
        if email.programme_id != demo.pk:
            continue
        page = reader.get(f"/en/admin/emails/outgoingemail/{email.pk}/change/")
        assert page.status_code == 200
        text = page.content.decode()
        if email.link_kind:
            assert "a one-time link, made when the e-mail is sent" in text
        admin_links += [(email.kind, link) for link in links_in(text)]
    for kind, link in admin_links:
        path = site_path(link)
        if path is not None:
            assert not opens_for(None, path), (kind, link)

    # What leaves does work: the copies sent to accounts without a password open the form.
    sent_links = [
        link
        for email in emails
        if email.link_kind
        for link in links_in(sent_text(email))
        if "/welcome/" in link or "/reset/" in link
    ]
    assert len(sent_links) >= 4  # the new focal point, observer, two nominees (+ resets)
    for link in sent_links:
        assert opens_password_form(client_as(None), site_path(link)), link

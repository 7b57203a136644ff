"""Personal data: what the platform holds about a person, removal requests, anonymisation and
retention.

Anonymising removes who a person was and keeps what they did: their name, e-mail, position,
institution, free-text answers, the files and e-mails that carry their name go; their
memberships, nominations (country, profile, gender, status), test responses (chosen answers
and scales), attendance, course completions and certificates (code and status) stay, so every
count and statistic of the programme reads the same before and after.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Prefetch, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from capacita.attendance.models import AttendanceRecord, JoinInterval, NameMatch
from capacita.audit.models import AuditEvent
from capacita.audit.services import audit_record, given_reason, reason_refusal
from capacita.certificates.models import Certificate
from capacita.completions.models import CompletionReport, CourseCompletion
from capacita.emails.models import OutgoingEmail
from capacita.emails.services import queue_email
from capacita.evaluation.models import Answer, Response
from capacita.groupwork.models import AnswerVersion, GroupMember
from capacita.nominations.models import Nomination, NominationUpload
from capacita.programmes.models import Membership, Programme, Role
from capacita.shared.errors import UserError
from capacita.shared.formats import day

from .models import RemovalRequest, Retention

ANONYMOUS_FIRST_NAME = "Persona"
ANONYMOUS_DOMAIN = "invalid.example"
# The people a programme's anonymisation is about: those who took part, not its staff.
PEOPLE_ROLES = (Role.PARTICIPANT, Role.OBSERVER)


class PrivacyError(UserError):
    """An anonymisation that may not be done; the message says why, for the manager."""


def anonymous_last_name(key) -> str:
    return f"anonimizada {key}"


def anonymous_email(key) -> str:
    return f"anonymised-{key}@{ANONYMOUS_DOMAIN}"


def is_anonymised(user) -> bool:
    return user.email.endswith("@" + ANONYMOUS_DOMAIN) and user.email.startswith("anonymised-")


# --- What the platform holds about a person -------------------------------------------------


def _when(value):
    return value.isoformat() if value else None


def _programme(programme) -> dict:
    return {"slug": programme.slug, "title": programme.title}


def personal_data(user) -> dict:
    """Everything the platform holds about `user`, as JSON-ready values (strings, numbers,
    lists, dicts), in every programme: one query per kind of record."""
    memberships = list(Membership.objects.filter(user=user).select_related("programme", "country"))
    nominations = list(
        Nomination.objects.filter(Q(user=user) | Q(email__iexact=user.email))
        .select_related("programme", "country", "profile")
        .distinct()
    )
    records = list(AttendanceRecord.objects.filter(user=user).select_related("session__programme"))
    intervals = list(JoinInterval.objects.filter(user=user).select_related("session__programme"))
    completions = list(
        CourseCompletion.objects.filter(user=user).select_related("course__programme")
    )
    responses = list(
        Response.objects.filter(user=user)
        .select_related("questionnaire__programme")
        .prefetch_related(
            Prefetch(
                "answers",
                queryset=Answer.objects.select_related("question__section").order_by(
                    "question__section__position", "question__position"
                ),
            )
        )
    )
    certificates = list(Certificate.objects.filter(user=user).select_related("programme"))
    groups = list(
        GroupMember.objects.filter(user=user).select_related(
            "group", "session_work__session__programme"
        )
    )
    versions = list(
        AnswerVersion.objects.filter(author=user).select_related(
            "question__group__session_work__session__programme"
        )
    )
    emails = list(
        OutgoingEmail.objects.filter(Q(user=user) | Q(to__iexact=user.email)).select_related(
            "programme"
        )
    )
    requests = list(RemovalRequest.objects.filter(user=user).select_related("programme"))
    subjects = _subjects_of(user, nominations, records, responses, completions, certificates)
    events = list(
        AuditEvent.objects.filter(Q(actor=user) | subjects)
        .select_related("programme", "actor")
        .order_by("created_at", "id")
    )
    return {
        "account": {
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "language": user.language,
            "time_zone": user.time_zone,
            "country": user.country.code if user.country_id else None,
            "wants_reminders": user.wants_reminders,
            "is_active": user.is_active,
            "date_joined": _when(user.date_joined),
            "last_login": _when(user.last_login),
        },
        "memberships": [
            {
                "programme": _programme(m.programme),
                "role": m.role,
                "country": m.country.code if m.country_id else None,
                "organisation": m.organisation,
                "created_at": _when(m.created_at),
            }
            for m in memberships
        ],
        "nominations": [
            {
                "programme": _programme(n.programme),
                "country": n.country.code,
                "first_name": n.first_name,
                "last_name": n.last_name,
                "email": n.email,
                "position": n.position,
                "institution": n.institution,
                "profile": n.profile_label,
                "gender": n.gender,
                "language": n.language,
                "status": n.status,
                "submitted_at": _when(n.created_at),
                "decided_at": _when(n.decided_at),
                "decision_reason": n.decision_reason,
            }
            for n in nominations
        ],
        "attendance": [
            {
                "programme": r.session.programme.slug,
                "session": r.session.number,
                "status": r.status,
                "imported_status": r.imported_status,
                "imported_minutes": r.imported_minutes,
                "corrected_at": _when(r.corrected_at),
                "correction_reason": r.correction_reason,
            }
            for r in records
        ],
        "meeting_rows": [
            {
                "programme": i.session.programme.slug,
                "session": i.session.number,
                "name": i.name,
                "email": i.email,
                "joined_at": _when(i.joined_at),
                "left_at": _when(i.left_at),
                "rows": i.row_count,
            }
            for i in intervals
        ],
        "course_completions": [
            {
                "programme": c.course.programme.slug,
                "course": c.course.code,
                "completed": c.completed,
                "completed_at": _when(c.completed_at),
                "is_late": c.is_late,
                "source": c.source,
                "reason": c.reason,
            }
            for c in completions
        ],
        "tests": [
            {
                "programme": r.questionnaire.programme.slug,
                "kind": r.questionnaire.kind,
                "language": r.language,
                "started_at": _when(r.started_at),
                "submitted_at": _when(r.submitted_at),
                "answers": [
                    {
                        "question": a.question.code,
                        "choices": a.choice_codes,
                        "scale": a.scale,
                        "text": a.text,
                    }
                    for a in r.answers.all()
                ],
            }
            for r in responses
        ],
        "certificates": [
            {
                "programme": c.programme.slug,
                "code": c.formatted_code,
                "holder_name": c.holder_name,
                "status": c.status,
                "issued_at": _when(c.issued_at),
                "ended_at": _when(c.ended_at),
            }
            for c in certificates
        ],
        "groups": [
            {
                "programme": g.session_work.session.programme.slug,
                "session": g.session_work.session.number,
                "group": g.group.name,
            }
            for g in groups
        ],
        "group_answers_written": [
            {
                "programme": v.question.group.session_work.session.programme.slug,
                "group": v.question.group.name,
                "version": v.number,
                "text": v.text,
                "saved_at": _when(v.saved_at),
            }
            for v in versions
        ],
        "emails": [
            {
                "programme": e.programme.slug if e.programme_id else None,
                "to": e.to,
                "kind": e.kind,
                "subject": e.subject,
                "created_at": _when(e.created_at),
                "status": e.status,
                "sent_at": _when(e.sent_at),
            }
            for e in emails
        ],
        "removal_requests": [
            {
                "programme": r.programme.slug if r.programme_id else None,
                "message": r.message,
                "created_at": _when(r.created_at),
                "handled_at": _when(r.handled_at),
            }
            for r in requests
        ],
        "audit_events": [
            {
                "when": _when(e.created_at),
                "action": e.action,
                "programme": e.programme.slug if e.programme_id else None,
                "by_you": e.actor_id == user.pk,
                "record": f"{e.subject_type}:{e.subject_id}",
                "reason": e.reason,
                "details": e.details,
            }
            for e in events
        ],
    }


def _subjects_of(user, *groups_of_records) -> Q:
    """Audit events whose subject is the person or one of their records."""
    subjects = Q(subject_type=user._meta.label_lower, subject_id=str(user.pk))
    for records in groups_of_records:
        if records:
            subjects |= Q(
                subject_type=records[0]._meta.label_lower,
                subject_id__in=[str(record.pk) for record in records],
            )
    return subjects


# --- Removal requests -------------------------------------------------------------------------


def request_removal(user, programme: Programme | None, message: str = "") -> RemovalRequest:
    """Record that `user` asks for their personal data to be removed, and tell the
    programme's managers by e-mail; they see it on the personal data page and decide
    (`anonymise_person`). A message over its limit raises `ValidationError` (the model
    field's own check) and nothing is saved."""
    message = RemovalRequest._meta.get_field("message").clean((message or "").strip(), None)
    with transaction.atomic():
        request = RemovalRequest.objects.create(
            programme=programme, user=user, email=user.email, message=message
        )
        audit_record(
            actor=user,
            action="privacy.removal_requested",
            subject=request,
            programme=programme,
        )
        if programme is not None:
            _email_managers(
                programme,
                "privacy.removal_requested",
                "removal",
                {"requester": user.get_full_name() or user.email, "request": request},
            )
    return request


def _email_managers(programme: Programme, kind: str, templates: str, context: dict) -> int:
    """Queue one e-mail to each active manager of `programme`, in the manager's language,
    from `privacy/emails/<templates>_subject.txt` and `_body.txt` (which also get the
    manager as `user`, the programme and the link to its personal data page)."""
    site = settings.SITE_URL.rstrip("/")
    managers = (
        Membership.objects.filter(programme=programme, role=Role.MANAGER, user__is_active=True)
        .select_related("user")
        .order_by("user_id")
    )
    count = 0
    for membership in managers:
        user = membership.user
        with translation.override(user.language):
            link = site + reverse("privacy:overview", kwargs={"slug": programme.slug})
            context = {**context, "user": user, "programme": programme, "link": link}
            subject = render_to_string(f"privacy/emails/{templates}_subject.txt", context)
            body = render_to_string(f"privacy/emails/{templates}_body.txt", context)
        queue_email(
            to=user.email,
            subject=subject,
            body_text=body,
            kind=kind,
            language=user.language,
            programme=programme,
            user=user,
        )
        count += 1
    return count


# --- Anonymisation ----------------------------------------------------------------------------


@dataclass
class _Traces:
    """The strings that identify a person, and what replaces them.

    `strong` ones (e-mail addresses, full names) are removed wherever they are found; `weak`
    ones (a first name or a surname alone) only in records known to be about the person, so a
    namesake's records are left alone."""

    replacement: str
    strong: list[str] = field(default_factory=list)
    weak: list[str] = field(default_factory=list)

    def __post_init__(self):
        self._strong = _pattern(self.strong)
        self._all = _pattern(self.strong + self.weak)

    def mentioned_in(self, value) -> bool:
        return self._strong is not None and any(
            self._strong.search(text) for text in _strings(value)
        )

    def scrub(self, value, *, about_them: bool = True):
        pattern = self._all if about_them else self._strong
        if pattern is None:
            return value
        return _replace(value, pattern, self.replacement)


def _pattern(needles: list[str]):
    needles = sorted({n.strip() for n in needles if n and len(n.strip()) > 1}, key=len)
    if not needles:
        return None
    return re.compile("|".join(re.escape(n) for n in reversed(needles)), re.IGNORECASE)


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def _replace(value, pattern, replacement):
    if isinstance(value, str):
        return pattern.sub(replacement, value)
    if isinstance(value, dict):
        return {k: _replace(v, pattern, replacement) for k, v in value.items()}
    if isinstance(value, list):
        return [_replace(v, pattern, replacement) for v in value]
    return value


def _traces(user, nominations) -> _Traces:
    emails = [user.email] + [n.email for n in nominations]
    full_names = [user.get_full_name(), f"{user.last_name} {user.first_name}"]
    weak = [user.first_name, user.last_name]
    for n in nominations:
        full_names += [n.full_name, f"{n.last_name} {n.first_name}"]
        weak += [n.first_name, n.last_name]
    label = f"{ANONYMOUS_FIRST_NAME} {anonymous_last_name(user.pk)}"
    return _Traces(replacement=label, strong=emails + full_names, weak=weak)


def _clear_nomination(nomination: Nomination) -> None:
    """Who was nominated goes; what the statistics count (country, profile, gender, status,
    dates) stays."""
    nomination.first_name = ANONYMOUS_FIRST_NAME
    nomination.last_name = anonymous_last_name(f"n{nomination.pk}")
    nomination.email = anonymous_email(f"n{nomination.pk}")
    nomination.position = ""
    nomination.institution = ""
    nomination.decision_reason = ""
    nomination.save(
        update_fields=[
            "first_name",
            "last_name",
            "email",
            "position",
            "institution",
            "decision_reason",
        ]
    )


def _anonymise(user, *, programme: Programme | None = None) -> None:
    """Remove `user`'s personal data: everywhere when `programme` is None, else only the
    records of that programme (the account itself is then left as it is)."""
    nominations = Nomination.objects.filter(Q(user=user) | Q(email__iexact=user.email))
    if programme is not None:
        nominations = nominations.filter(programme=programme)
    nominations = list(nominations)
    traces = _traces(user, nominations)
    new_email = anonymous_email(user.pk)
    label = traces.replacement

    def within(queryset, path):
        return queryset if programme is None else queryset.filter(**{path: programme})

    if programme is None:
        programmes = set(
            Membership.objects.filter(user=user).values_list("programme_id", flat=True)
        ) | {n.programme_id for n in nominations}
    else:
        programmes = {programme.pk}

    # The uploaded lists are spreadsheets: a name cannot be cut out of them, so the lists of
    # the person's country are emptied (their file names stay).
    for nomination in nominations:
        NominationUpload.objects.filter(
            programme_id=nomination.programme_id, country_id=nomination.country_id
        ).update(content=b"")
        _clear_nomination(nomination)

    within(Membership.objects.filter(user=user), "programme").update(organisation="")
    within(
        Answer.objects.filter(response__user=user).exclude(text=""),
        "response__questionnaire__programme",
    ).update(text="")

    for certificate in within(Certificate.objects.filter(user=user), "programme"):
        certificate.holder_name = label
        certificate.reason = traces.scrub(certificate.reason)
        certificate.end_reason = traces.scrub(certificate.end_reason)
        if certificate.pdf:
            certificate.pdf.delete(save=False)
        certificate.pdf = ""
        certificate.save(update_fields=["holder_name", "reason", "end_reason", "pdf"])

    within(
        AnswerVersion.objects.filter(author=user),
        "question__group__session_work__session__programme",
    ).update(author=None)

    # E-mails to them: what they said goes; that one was sent, and when, stays.
    within(
        OutgoingEmail.objects.filter(Q(user=user) | Q(to__iexact=user.email)), "programme"
    ).update(
        to=new_email,
        subject="",
        body_text="",
        body_html="",
        attachment=b"",
        attachment_name="",
        attachment_type="",
        last_error="",
    )
    # E-mails to others that name them (a focal point told of a decision, say).
    mentions = Q()
    for needle in traces.strong:
        mentions |= (
            Q(subject__icontains=needle)
            | Q(body_text__icontains=needle)
            | Q(body_html__icontains=needle)
        )
    for email in within(OutgoingEmail.objects.filter(mentions), "programme"):
        email.subject = traces.scrub(email.subject, about_them=False)
        email.body_text = traces.scrub(email.body_text, about_them=False)
        email.body_html = traces.scrub(email.body_html, about_them=False)
        email.save(update_fields=["subject", "body_text", "body_html"])

    # The meeting reports' rows: theirs, and unmatched ones showing their name or address.
    emails = [e for e in traces.strong if "@" in e]
    names = [n for n in traces.strong if "@" not in n]
    shown = Q(user=user) | Q(user__isnull=True, email__in=emails)
    for name in names:
        shown |= Q(user__isnull=True, name__iexact=name)
    within(JoinInterval.objects.filter(shown), "session__programme").update(name=label, email="")
    within(NameMatch.objects.filter(user=user), "programme").delete()

    for record in within(
        AttendanceRecord.objects.filter(user=user).exclude(correction_reason=""),
        "session__programme",
    ):
        record.correction_reason = traces.scrub(record.correction_reason)
        record.save(update_fields=["correction_reason"])
    for completion in within(
        CourseCompletion.objects.filter(user=user).exclude(reason=""), "course__programme"
    ):
        completion.reason = traces.scrub(completion.reason)
        completion.save(update_fields=["reason"])
    for report in CompletionReport.objects.filter(course__programme_id__in=programmes):
        unmatched = [_scrub_row(row, traces) for row in report.unmatched]
        problems = [_scrub_row(row, traces) for row in report.problems]
        if unmatched != report.unmatched or problems != report.problems:
            report.unmatched, report.problems = unmatched, problems
            report.save(update_fields=["unmatched", "problems"])

    _scrub_audit(user, traces, programmes, programme is None, nominations)
    for entry in LogEntry.objects.filter(
        _any_contains(traces.strong, "object_repr") | _any_contains(traces.strong, "change_message")
    ):
        entry.object_repr = traces.scrub(entry.object_repr, about_them=False)
        entry.change_message = traces.scrub(entry.change_message, about_them=False)
        entry.save(update_fields=["object_repr", "change_message"])

    within(RemovalRequest.objects.filter(user=user), "programme").update(
        email=new_email, message=""
    )

    if programme is None:
        user.first_name = ANONYMOUS_FIRST_NAME
        user.last_name = anonymous_last_name(user.pk)
        user.email = new_email
        user.time_zone = ""
        user.wants_reminders = False
        user.is_active = False
        user.set_unusable_password()
        user.save()


def _any_contains(needles, field_name) -> Q:
    query = Q(pk__in=[])
    for needle in needles:
        if needle:
            query |= Q(**{f"{field_name}__icontains": needle})
    return query


def _scrub_row(row, traces: _Traces):
    """A report row naming the person is theirs: every trace goes from it; other rows lose
    only the person's full name and address."""
    return traces.scrub(row, about_them=traces.mentioned_in(row))


def _scrub_audit(user, traces, programmes, everywhere: bool, nominations) -> None:
    """The record of decisions stays; the person's name and address go from its details."""
    records = [
        list(Certificate.objects.filter(user=user).only("pk")),
        list(Response.objects.filter(user=user).only("pk")),
        list(AttendanceRecord.objects.filter(user=user).only("pk")),
        list(CourseCompletion.objects.filter(user=user).only("pk")),
        list(GroupMember.objects.filter(user=user).only("pk")),
        nominations,
    ]
    about = _subjects_of(user, *records)
    if everywhere:
        about |= Q(actor=user)
    events = AuditEvent.objects.filter(about | Q(programme_id__in=programmes))
    about_ids = set(AuditEvent.objects.filter(about).values_list("pk", flat=True))
    for event in events.only("pk", "details", "reason"):
        them = event.pk in about_ids
        details = traces.scrub(event.details, about_them=them)
        reason = traces.scrub(event.reason, about_them=them)
        if details != event.details or reason != event.reason:
            AuditEvent.objects.filter(pk=event.pk).update(details=details, reason=reason)


def anonymise_person(user, actor, reason: str, *, programme: Programme | None = None) -> None:
    """Anonymise `user` everywhere: their account gets a neutral name and an unusable
    address and can no longer log in; names, e-mail and free text go from every record (see
    the module's docstring), while their records themselves stay, so that counts and scores
    do not change. Their open removal requests are marked handled. One transaction, one
    audit record (`programme` is the one the manager acted from). Raises PrivacyError without
    a reason or when the person is anonymised already."""
    reason = given_reason(
        reason, missing=_("Say why this person's data is anonymised."), error=PrivacyError
    )
    User = get_user_model()
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if is_anonymised(user):
            raise PrivacyError(_("This person is anonymised already."))
        _anonymise(user)
        RemovalRequest.objects.filter(user=user, handled_at__isnull=True).update(
            handled_at=timezone.now(), handled_by=actor if actor.is_authenticated else None
        )
        audit_record(
            actor=actor,
            action="privacy.anonymised_person",
            subject=user,
            programme=programme,
            reason=reason,
            details={"scope": "everything"},
        )


@dataclass
class ProgrammeAnonymised:
    everywhere: int = 0  # people anonymised entirely
    in_programme: int = 0  # people of other programmes too: only this programme's records
    nominations: int = 0  # nominations of people who never had an account


def anonymise_programme(programme: Programme, actor, reason: str, *, today=None):
    """Anonymise a finished programme in one step.

    Every participant, observer and nominee who takes part in no other programme is
    anonymised entirely (`anonymise_person`'s work). People who also take part in another
    programme keep their account, which the other programme still needs; this programme's
    records of them lose their personal data (nomination, free-text answers, certificate
    name and file, e-mails, meeting rows, group answer authorship). Nominations of people
    who never had an account are cleared too, as are the programme's uploaded lists, its
    meeting reports' names and addresses, its remembered name matches and its completion
    reports' rows. Staff (managers, focal points, facilitators) are left as they are.

    Raises PrivacyError when the programme has not ended yet or without a reason.
    """
    reason = (reason or "").strip()
    today = today or timezone.localdate()
    if programme.end_date > today:
        raise PrivacyError(
            _("The programme ends on %(date)s: it can be anonymised only after it has ended.")
            % {"date": day(programme.end_date)}
        )
    if not reason:
        raise PrivacyError(_("Say why the programme's data is anonymised."))
    problem = reason_refusal(reason)
    if problem:
        raise PrivacyError(problem)
    User = get_user_model()
    outcome = ProgrammeAnonymised()
    with transaction.atomic():
        members = set(
            Membership.objects.filter(programme=programme, role__in=PEOPLE_ROLES).values_list(
                "user_id", flat=True
            )
        )
        nominees = set(
            Nomination.objects.filter(programme=programme, user__isnull=False).values_list(
                "user_id", flat=True
            )
        )
        people = members | nominees
        elsewhere = set(
            Membership.objects.filter(user_id__in=people)
            .exclude(programme=programme)
            .values_list("user_id", flat=True)
        ) | set(
            Nomination.objects.filter(user_id__in=people)
            .exclude(programme=programme)
            .values_list("user_id", flat=True)
        )
        for user in User.objects.filter(pk__in=people).order_by("pk").select_for_update():
            if is_anonymised(user):
                continue
            if user.pk in elsewhere:
                _anonymise(user, programme=programme)
                outcome.in_programme += 1
                scope = "programme"
            else:
                _anonymise(user)
                outcome.everywhere += 1
                scope = "everything"
            audit_record(
                actor=actor,
                action="privacy.anonymised_person",
                subject=user,
                programme=programme,
                reason=reason,
                details={"scope": scope},
            )
        for nomination in Nomination.objects.filter(programme=programme, user__isnull=True):
            if nomination.email.endswith("@" + ANONYMOUS_DOMAIN):
                continue
            _clear_nomination(nomination)
            outcome.nominations += 1

        NominationUpload.objects.filter(programme=programme).update(content=b"")
        JoinInterval.objects.filter(session__programme=programme).exclude(
            email="", name__startswith=ANONYMOUS_FIRST_NAME
        ).update(name=ANONYMOUS_FIRST_NAME, email="")
        NameMatch.objects.filter(programme=programme).delete()
        for report in CompletionReport.objects.filter(course__programme=programme):
            report.unmatched = [_blank_identity(row) for row in report.unmatched]
            report.problems = [_blank_identity(row) for row in report.problems]
            report.save(update_fields=["unmatched", "problems"])
        Retention.objects.filter(programme=programme).update(anonymised_at=timezone.now())
        audit_record(
            actor=actor,
            action="privacy.anonymised_programme",
            subject=programme,
            programme=programme,
            reason=reason,
            details={
                "everywhere": outcome.everywhere,
                "in_programme": outcome.in_programme,
                "nominations": outcome.nominations,
            },
        )
    return outcome


def _blank_identity(row):
    """A report row without whom it showed: its number, dates and message stay."""
    if not isinstance(row, dict):
        return row
    return {
        key: "" if any(word in key.lower() for word in ("name", "mail")) else value
        for key, value in row.items()
    }


# --- Retention ------------------------------------------------------------------------------


def set_retention(programme: Programme, keep_until) -> Retention:
    """Keep the programme's personal data until `keep_until`. A new date means a new
    reminder when it passes."""
    with transaction.atomic():
        retention, created = Retention.objects.get_or_create(
            programme=programme, defaults={"keep_until": keep_until}
        )
        if not created and retention.keep_until != keep_until:
            retention.keep_until = keep_until
            retention.reminded_at = None
            retention.save(update_fields=["keep_until", "reminded_at"])
    return retention


def due_for_anonymisation(today):
    """Retention periods that have passed (`keep_until` before `today`) on programmes not yet
    anonymised."""
    return Retention.objects.filter(
        keep_until__lt=today, anonymised_at__isnull=True
    ).select_related("programme")


def remind_retention(today=None) -> int:
    """Queue one e-mail to each manager of every programme whose retention has passed, once
    per retention date, in the manager's language. Returns the number of e-mails queued."""
    today = today or timezone.localdate()
    count = 0
    for retention in due_for_anonymisation(today).filter(reminded_at__isnull=True):
        with transaction.atomic():
            retention = Retention.objects.select_for_update().get(pk=retention.pk)
            if retention.reminded_at is not None:
                continue
            count += _email_managers(
                retention.programme,
                "privacy.retention",
                "retention",
                {"keep_until": retention.keep_until},
            )
            retention.reminded_at = timezone.now()
            retention.save(update_fields=["reminded_at"])
    return count

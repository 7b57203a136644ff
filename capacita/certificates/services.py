"""Issuing, revoking and re-issuing certificates: every change in one transaction, with its
audit record, and each new certificate e-mailed to its holder through the queue."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from capacita.audit.services import account_of, audit_record, given_reason
from capacita.certificates.rule import participants, progress_of
from capacita.emails.services import queue_email
from capacita.programmes.events import pages_changed
from capacita.programmes.models import Membership, Role
from capacita.shared.errors import UserError
from capacita.shared.formats import day

from . import codes
from .models import Certificate, CertificateDesign
from .pdf import render_certificates
from .selectors import Verdict, with_verdicts


class CertificateError(UserError):
    """A refusal: `message` says why, in the active language."""


@dataclass
class Standing:
    """A participant before the completion rule: their progress, their certificate if any,
    and what issuing does for them."""

    membership: Membership
    progress: object
    certificate: Certificate | None
    verdict: str
    reasons: list[str] = field(default_factory=list)

    @property
    def user(self):
        return self.membership.user


def standings(programme, memberships=None) -> list[Standing]:
    """Each participant of `memberships` (every participant of `programme` when None) with
    what issuing would give them and, if nothing, why, in a fixed number of queries.
    Observers, facilitators and managers are not participants: never eligible."""
    if memberships is None:
        memberships = participants(programme)
    rows = progress_of(programme, memberships)
    latest: dict[int, Certificate] = {}
    for certificate in Certificate.objects.filter(
        programme=programme, user_id__in=[row.membership.user_id for row in rows]
    ).order_by("issued_at", "pk"):
        if certificate.status != Certificate.Status.REPLACED:
            latest[certificate.user_id] = certificate
    result = []
    for progress in rows:
        certificate = latest.get(progress.membership.user_id)
        if certificate is not None and certificate.is_valid:
            verdict, reasons = Verdict.HAS_ONE, []
        elif certificate is not None:
            verdict = Verdict.REVOKED
            reasons = [
                _("their certificate was revoked on %(date)s: %(reason)s")
                % {
                    "date": day(certificate.ended_at, programme.zone),
                    "reason": certificate.end_reason,
                }
            ]
        elif progress.is_complete:
            verdict, reasons = Verdict.ISSUED, []
        else:
            verdict, reasons = Verdict.NOT_ELIGIBLE, progress.missing
        result.append(Standing(progress.membership, progress, certificate, verdict, reasons))
    return result


@dataclass
class IssueOutcome:
    standings: list[Standing]
    issued: list[Certificate]

    def count(self, verdict: str) -> int:
        return sum(1 for standing in self.standings if standing.verdict == verdict)


def issue_certificates(programme, actor=None, *, dry_run: bool = False) -> IssueOutcome:
    """A certificate for every participant who meets the programme's rule and has none.

    Idempotent: a participant who holds a valid certificate gets no second one (the database
    refuses it too), and one whose certificate was revoked gets none (a manager can issue one
    by hand). With `dry_run`, nothing is saved: the standings say who would get one."""
    rows = standings(programme)
    if dry_run:
        return IssueOutcome(rows, [])
    with transaction.atomic():
        # Due by the rule worked out now and by the kept progress the page showed (the two
        # agree; `capacita check_progress` says so).
        due_ids = set(
            with_verdicts(participants(programme))
            .filter(verdict=Verdict.ISSUED)
            .values_list("user_id", flat=True)
        )
        due = [
            row
            for row in rows
            if row.verdict == Verdict.ISSUED and row.membership.user_id in due_ids
        ]
        issued = _issue(programme, [row.membership.user for row in due], actor)
        by_user = {certificate.user_id: certificate for certificate in issued}
        for row in due:
            row.certificate = by_user.get(row.membership.user_id)
            if row.certificate is None:  # issued meanwhile by another run
                row.verdict = Verdict.HAS_ONE
    return IssueOutcome(rows, issued)


# Issuing in the background goes this many certificates at a time, each batch in its own
# transaction: what is done stays done if the work stops, and progress shows as it goes.
ISSUE_BATCH = 10


def issue_due(programme, actor, progress=None, *, batch: int = ISSUE_BATCH) -> int:
    """`issue_certificates` for a programme of thousands, as the worker runs it: the
    participants due a certificate (by the kept progress, as the page counts them), `batch`
    at a time, each batch checked again and issued in a transaction of its own, with
    `progress(done, total)` after each. Returns how many certificates were issued."""
    due = list(
        with_verdicts(participants(programme))
        .filter(verdict=Verdict.ISSUED)
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )
    issued = 0
    if progress:
        progress(0, len(due))
    for start in range(0, len(due), batch):
        with transaction.atomic():
            # Due still, by the kept progress and by the rule worked out now (as
            # `issue_certificates`): whatever changed since the work began counts.
            still_due = with_verdicts(participants(programme)).filter(
                verdict=Verdict.ISSUED, user_id__in=due[start : start + batch]
            )
            users = [
                row.membership.user
                for row in standings(programme, still_due)
                if row.verdict == Verdict.ISSUED
            ]
            issued += len(_issue(programme, users, actor))
        if progress:
            progress(min(start + batch, len(due)), len(due))
    return issued


def write_archive(programme, handle, progress=None) -> None:
    """Every valid certificate of `programme` as one ZIP file written to `handle`, named by
    holder and code, with `progress(done, total)` as it goes."""
    certificates = Certificate.objects.filter(
        programme=programme, status=Certificate.Status.VALID
    ).order_by("holder_name", "pk")
    total = certificates.count() if progress else None
    with zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as archive:
        for done, certificate in enumerate(certificates.iterator(chunk_size=500), start=1):
            with stored_pdf(certificate) as pdf:
                archive.writestr(archive_name(certificate), pdf.read())
            if progress:
                progress(done, total)


def archive_name(certificate) -> str:
    # The holder's name as written (accents kept), made safe for every file system.
    name = "".join(ch if ch.isalnum() or ch in " -_" else "_" for ch in certificate.holder_name)
    return f"{' '.join(name.split())[:80]} - {certificate.code}.pdf"


def issue_by_hand(programme, user, reason: str, actor) -> Certificate:
    """A certificate for one participant as an exception to the rule, with the reason."""
    reason = given_reason(
        reason, missing=_("Say why this certificate is issued by hand."), error=CertificateError
    )
    if not Membership.objects.filter(
        programme=programme, user=user, role=Role.PARTICIPANT
    ).exists():
        raise CertificateError(
            _("Only the programme's participants receive certificates; observers never do.")
        )
    with transaction.atomic():
        if Certificate.objects.filter(
            programme=programme, user=user, status=Certificate.Status.VALID
        ).exists():
            raise CertificateError(_("This participant already holds a valid certificate."))
        issued = _issue(programme, [user], actor, reason=reason)
        if not issued:
            raise CertificateError(_("This participant already holds a valid certificate."))
        return issued[0]


def revoke(certificate: Certificate, reason: str, actor) -> Certificate:
    """Withdraw a certificate: its code then reads "revoked" with the date."""
    reason = given_reason(
        reason, missing=_("Say why the certificate is revoked."), error=CertificateError
    )
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if not certificate.is_valid:
            raise CertificateError(_("Only a valid certificate can be revoked."))
        certificate.status = Certificate.Status.REVOKED
        certificate.ended_at = timezone.now()
        certificate.end_reason = reason
        certificate.save(update_fields=["status", "ended_at", "end_reason"])
        pages_changed(certificate.programme, [certificate.user_id])
        audit_record(
            actor=actor,
            action="certificate.revoke",
            subject=certificate,
            programme=certificate.programme,
            reason=reason,
            details={"code": certificate.formatted_code},
        )
    return certificate


def reissue(certificate: Certificate, reason: str, actor) -> Certificate:
    """A new certificate, with a new code, in place of `certificate` (after a name
    correction, say): it carries the holder's name as registered now, and the old code
    reads "replaced"."""
    reason = given_reason(
        reason, missing=_("Say why the certificate is issued again."), error=CertificateError
    )
    with transaction.atomic():
        old = (
            Certificate.objects.select_for_update()
            .select_related("programme", "user")
            .get(pk=certificate.pk)
        )
        if old.status == Certificate.Status.REPLACED:
            raise CertificateError(_("This certificate was already replaced."))
        old.status = Certificate.Status.REPLACED
        old.ended_at = timezone.now()
        old.end_reason = reason
        old.save(update_fields=["status", "ended_at", "end_reason"])
        [new] = _issue(old.programme, [old.user], actor, reason=reason, replacing=old)
        old.replaced_by = new
        old.save(update_fields=["replaced_by"])
    return new


def holder_language(design: CertificateDesign, user) -> str:
    if design.languages == CertificateDesign.Languages.BOTH:
        return "both"
    return user.language if user.language in ("es", "en") else settings.LANGUAGE_CODE


def design_of(programme) -> CertificateDesign:
    """The programme's design, or the default one (unsaved) when managers made none."""
    return CertificateDesign.objects.filter(programme=programme).first() or CertificateDesign(
        programme=programme
    )


def _issue(programme, users, actor, *, reason: str = "", replacing=None) -> list[Certificate]:
    """Create, render, store and e-mail a certificate for each of `users`; who already holds
    a valid one is skipped. Call inside a transaction."""
    design = design_of(programme)
    now = timezone.now()
    created = []
    for user in users:
        certificate = Certificate(
            programme=programme,
            user=user,
            code=_unused_code(),
            holder_name=user.get_full_name() or user.email,
            language=holder_language(design, user),
            issued_at=now,
            issued_by=account_of(actor),
            by_hand=bool(reason) and replacing is None,
            reason=reason,
        )
        try:
            with transaction.atomic():  # the one-valid-certificate constraint decides races
                certificate.save()
        except IntegrityError:
            continue
        created.append(certificate)
    for certificate, pdf in render_certificates(created):
        certificate.pdf.save(f"{certificate.code}.pdf", ContentFile(pdf), save=False)
        Certificate.objects.filter(pk=certificate.pk).update(pdf=certificate.pdf.name)
        action = "certificate.reissue" if replacing else "certificate.issue"
        audit_record(
            actor=actor,
            action=action,
            subject=certificate,
            programme=programme,
            reason=reason,
            details={
                "code": certificate.formatted_code,
                "by_hand": certificate.by_hand,
                **({"replaces": replacing.formatted_code} if replacing else {}),
            },
        )
        _queue_certificate_email(certificate, pdf)
    # Their own pages offer the certificate now.
    pages_changed(programme, [certificate.user_id for certificate in created])
    return created


def stored_pdf(certificate: Certificate):
    """The certificate's PDF file, opened for reading. A certificate whose file is missing (a
    database restored without its files, generated data) is rendered again and stored: its
    text comes from the record, so the document is the same."""
    field = certificate.pdf
    if not field.name or not field.storage.exists(field.name):
        _certificate, pdf = next(render_certificates([certificate]))
        field.save(f"{certificate.code}.pdf", ContentFile(pdf), save=False)
        Certificate.objects.filter(pk=certificate.pk).update(pdf=field.name)
    return field.open("rb")


def _unused_code() -> str:
    while True:
        code = codes.new_code()
        if not Certificate.objects.filter(code=code).exists():
            return code


def _queue_certificate_email(certificate: Certificate, pdf: bytes) -> None:
    user, programme = certificate.user, certificate.programme
    language = user.language if user.language in ("es", "en") else settings.LANGUAGE_CODE
    with translation.override(language):
        link = settings.SITE_URL.rstrip("/") + reverse(
            "progress:mine", kwargs={"slug": programme.slug}
        )
        context = {
            "user": user,
            "programme": programme,
            "certificate": certificate,
            "verification": certificate.verification_address(),
            "link": link,
        }
        subject = " ".join(
            render_to_string("certificates/emails/issued_subject.txt", context).split()
        )
        body = render_to_string("certificates/emails/issued_body.txt", context)
        filename = f"{_('certificate')}-{programme.slug}.pdf"
    queue_email(
        to=user.email,
        subject=subject,
        body_text=body,
        kind="certificate",
        language=language,
        programme=programme,
        user=user,
        attachment=(filename, pdf, "application/pdf"),
    )

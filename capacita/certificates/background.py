"""The certificates' long work, done by the task worker (`capacita.jobs`): every certificate
as one ZIP file, and issuing every certificate due, for programmes of thousands."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from capacita.jobs.kinds import JobKind, Made, register
from capacita.programmes import permissions

from . import services

ARCHIVE = "certificates-zip"
ISSUE = "certificates-issue"


def _archive(job, progress) -> Made:
    with tempfile.NamedTemporaryFile(suffix=".zip", delete=False) as handle:
        services.write_archive(job.programme, handle, progress)
    return Made(path=Path(handle.name), file_name=f"{job.programme.slug}-{_('certificates')}.zip")


def _issue(job, progress) -> Made:
    issued = services.issue_due(job.programme, job.requested_by, progress)
    return Made(outcome={"issued": issued})


def _issued(outcome: dict) -> str:
    count = outcome.get("issued", 0)
    if not count:
        return _("No new certificate: nobody else meets the rule yet.")
    return ngettext(
        "%(count)s certificate issued; its holder receives it by e-mail.",
        "%(count)s certificates issued; each holder receives theirs by e-mail.",
        count,
    ) % {"count": count}


def register_kinds() -> None:
    register(
        JobKind(
            code=ARCHIVE,
            title=gettext_lazy("Every certificate as one ZIP file"),
            explanation=gettext_lazy(
                "One PDF per valid certificate, named by its holder and its code."
            ),
            button=gettext_lazy("Make the file"),
            may=permissions.can_issue_certificates,
            page="certificates:overview",
            page_title=gettext_lazy("Certificates"),
            make=_archive,
        )
    )
    register(
        JobKind(
            code=ISSUE,
            title=gettext_lazy("Issuing the certificates due"),
            explanation=gettext_lazy(
                "A certificate for every participant who meets the rule and has none; each "
                "new certificate is e-mailed to its holder, in their language. Running it "
                "again issues no second certificate."
            ),
            button=gettext_lazy("Issue every certificate due"),
            may=permissions.can_issue_certificates,
            page="certificates:overview",
            page_title=gettext_lazy("Certificates"),
            make=_issue,
            describe=_issued,
        )
    )

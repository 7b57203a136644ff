"""The final balance as a file, made by the task worker (`capacita.jobs`) for programmes of
thousands."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from capacita.jobs.kinds import JobKind, Made, register
from capacita.programmes import permissions

from . import documents

BALANCE = {"pdf": "balance-pdf", "xlsx": "balance-xlsx"}


def _balance(fmt: str):
    def make(job, progress) -> Made:
        progress(0, None)
        content = documents.balance_document(job.programme, fmt)
        return Made.of(content, f"{job.programme.slug}-{_('balance')}.{fmt}")

    return make


def register_kinds() -> None:
    for fmt, title in (
        ("pdf", gettext_lazy("The final balance as a PDF")),
        ("xlsx", gettext_lazy("The final balance as a workbook")),
    ):
        register(
            JobKind(
                code=BALANCE[fmt],
                title=title,
                explanation=gettext_lazy(
                    "The balance's figures, charts and texts as they stand when the file is made."
                ),
                button=gettext_lazy("Make the file"),
                may=permissions.can_read_balance,
                page="reports:balance",
                page_title=gettext_lazy("Final balance"),
                make=_balance(fmt),
            )
        )

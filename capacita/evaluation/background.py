"""The tests' report as a workbook, made by the task worker (`capacita.jobs`) for
programmes of thousands."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from capacita.jobs.kinds import JobKind, Made, register
from capacita.programmes import permissions

from .report import evaluation_report
from .workbook import report_workbook

REPORT_XLSX = "evaluation-xlsx"


def _report_workbook(job, progress) -> Made:
    progress(0, None)
    content = report_workbook(evaluation_report(job.programme))
    return Made.of(content, f"{job.programme.slug}-{_('evaluation')}.xlsx")


def register_kinds() -> None:
    register(
        JobKind(
            code=REPORT_XLSX,
            title=gettext_lazy("The pre-test and post-test report as a workbook"),
            explanation=gettext_lazy(
                "Every figure of the pre-test and post-test, each participant's scores and "
                "every written answer, as they stand when the file is made."
            ),
            button=gettext_lazy("Make the file"),
            may=permissions.can_read_evaluation,
            page="evaluation:report",
            page_title=gettext_lazy("Pre-test and post-test report"),
            make=_report_workbook,
        )
    )

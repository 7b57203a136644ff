"""The final balance and a country's report as files, made by the task worker
(`capacita.jobs`) for programmes of thousands."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from capacita.jobs.kinds import JobKind, Made, register
from capacita.programmes import permissions
from capacita.programmes.models import Country
from capacita.shared.errors import UserError

from . import documents, figures

BALANCE = {"pdf": "balance-pdf", "xlsx": "balance-xlsx"}
COUNTRY_PDF = "country-report-pdf"


def _balance(fmt: str):
    def make(job, progress) -> Made:
        progress(0, None)
        content = documents.balance_document(job.programme, fmt)
        return Made.of(content, f"{job.programme.slug}-{_('balance')}.{fmt}")

    return make


def _country(programme, params) -> Country | None:
    code = str(params.get("country", "")).upper()
    return Country.objects.filter(code=code, programmes=programme).first() if code else None


def _country_pdf(job, progress) -> Made:
    country = _country(job.programme, job.params)
    if country is None:
        raise UserError(_("The country is no longer a member of the programme."))
    # Asked for by someone who may no longer read it (a focal point replaced since): not made.
    if not _reads_country(job.requested_by, job.programme, job.params):
        raise UserError(_("You may no longer read this country's report."))
    progress(0, None)
    report = figures.country_report(job.programme, country)
    content = documents.country_document(job.programme, report, "pdf")
    return Made.of(content, f"{job.programme.slug}-{country.code.lower()}.pdf")


def _reads_some_country(user, programme) -> bool:
    readable = permissions.country_reports(user, programme)
    return readable is None or bool(readable)


def _reads_country(user, programme, params) -> bool:
    """Only the report of a country the asker may read (a focal point: their own)."""
    return permissions.can_read_country_report(user, programme, _country(programme, params))


def _country_named(programme, params) -> str:
    country = _country(programme, params)
    return country.name if country else ""


def register_kinds() -> None:
    register(
        JobKind(
            code=COUNTRY_PDF,
            title=gettext_lazy("A country's report as a PDF"),
            explanation=gettext_lazy(
                "The country's figures and every one of its participants, as the report "
                "stands when the file is made."
            ),
            button=gettext_lazy("Make the file"),
            may=_reads_some_country,
            page="reports:countries",
            page_title=gettext_lazy("Country reports"),
            make=_country_pdf,
            params=("country",),
            personal=True,
            allows=_reads_country,
            chosen=_country_named,
        )
    )
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

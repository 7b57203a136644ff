"""The reports' charts, drawn from the same figures as their tables."""

from __future__ import annotations

from django.utils.translation import gettext as _

from capacita.evaluation import charts


def attendance_chart(report):
    """Each session's participants as attended, excused, not yet recorded or absent."""
    rows = [
        (
            _("Session %(number)s") % {"number": line["session"]},
            {key: line[key] for key in ("attended", "excused", "not_recorded", "absent")},
        )
        for line in report["attendance"]
    ]
    return charts.shares(
        "attendance",
        _("Attendance per session"),
        rows,
        [
            ("attended", _("attended"), "p5"),
            ("excused", _("excused"), "p4"),
            ("not_recorded", _("not yet recorded"), "p3"),
            ("absent", _("absent"), "p1"),
        ],
    )


def balance_chart(evaluation):
    rows = [
        (group["label"], group["summary"]["mean_pre"], group["summary"]["mean_post"])
        for group in evaluation["by_country"]
        if group["summary"] and group["summary"]["mean_pre"] is not None
    ]
    return charts.paired_bars(
        "balance-by-country", _("Mean knowledge score before and after, by country"), rows
    )

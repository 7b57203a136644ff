"""Server-drawn SVG charts for the evaluation report: no script, no external resource, no
inline style (colours come from classes in capacita.css), and a text alternative for each.

Every chart is 640 units wide (the viewBox; CSS scales it to the page) and as tall as its
rows need. Shares are fractions 0–1; a bar's length is exactly proportional to its share
(coordinates are written with two decimals) and its label is the share rounded half up to a
whole percent by `capacita.shared.rounding`, as on every page and in every file. Text that comes
from callers is escaped; the same input gives the same string.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from capacita.shared import rounding

WIDTH = 640
FONT = 14  # labels
SMALL = 12  # values, ticks, legend
LABEL_X = 150  # labels end here (right-aligned)
LABEL_CHARS = 20  # longer labels are cut with an ellipsis; the full text is in a <title>
LEGEND_CHARS = 40
LINE = 22  # height of a legend line
CHAR_WIDTH = 7.5  # a generous estimate of a character's width at FONT, for the legend layout
INSIDE_MIN = 36  # the narrowest segment that holds its share ("100 %" at SMALL)
TICKS = (0, 0.25, 0.5, 0.75, 1)
CHART_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")


@dataclass(frozen=True)
class Chart:
    svg: SafeString  # the <svg> element, ready for a template ({{ chart.svg }})
    summary: str  # plain sentences saying what the chart shows (also the SVG's <desc>)


def paired_bars(
    chart_id: str,
    title: str,
    rows: list[tuple[str, float | None, float | None]],
    before_label: str | None = None,
    after_label: str | None = None,
) -> Chart:
    """Grouped horizontal bars: per group label, a hatched bar for the share before and a
    solid bar for the share after, each with its percentage; `None` draws no bar and
    "— not shown"."""
    before_label = before_label or _("Before (pre-test)")
    after_label = after_label or _("After (post-test)")
    plot_x, plot_w = LABEL_X + 10, 400
    bar_h, gap, row_h = 16, 2, 50

    legend, top = _legend(
        [(_swatch("before", chart_id), before_label), (_swatch("after"), after_label)], 0
    )
    top += 8
    body = [_hatch(chart_id), legend]
    for index, (label, before, after) in enumerate(rows):
        y = top + index * row_h
        parts = [_row_label(label, y + bar_h + gap / 2)]
        for offset, share, cls in ((0, before, "before"), (bar_h + gap, after, "after")):
            parts.append(_bar(plot_x, plot_w, y + offset, bar_h, share, cls, chart_id))
        body.append(_row(label, parts))
    bottom = top + len(rows) * row_h - (row_h - 2 * bar_h - gap)
    if not rows:
        body.append(_text(plot_x, top + FONT, _("No data."), cls="muted"))
        bottom = top + LINE
    body.insert(1, _axis(plot_x, plot_w, top - 4, bottom + 4))

    summary = _summary(
        title,
        [
            _("%(label)s: %(before_label)s %(before)s, %(after_label)s %(after)s")
            % {
                "label": label,
                "before_label": before_label,
                "before": _percent(before),
                "after_label": after_label,
                "after": _percent(after),
            }
            for label, before, after in rows
        ],
    )
    return Chart(_svg(chart_id, "paired", title, summary, bottom + 4 + 2 * SMALL, body), summary)


def item_change(chart_id: str, title: str, items: list[dict]) -> Chart:
    """One dumbbell per item: a hollow dot at the share correct before, a solid dot at the
    share after, a line with an arrow head between them, and "40 % → 75 %" at the right.
    An item with one share only draws that dot; a missing share reads "—"."""
    label_x, plot_x, plot_w, values_x = 90, 100, 410, 530
    row_h, radius = 28, 6

    legend, top = _legend(
        [
            (_dot_marker("before", radius), _("Before (pre-test)")),
            (_dot_marker("after", radius), _("After (post-test)")),
        ],
        0,
    )
    top += 8
    body = [legend]
    for index, item in enumerate(items):
        code = str(item.get("code", ""))
        pre, post = item.get("pre_correct"), item.get("post_correct")
        change = item.get("change")
        if change is None and pre is not None and post is not None:
            change = post - pre
        cy = top + index * row_h + row_h / 2
        parts = [_text(label_x, cy + 5, _short(code, 12), anchor="end")]
        x_pre = plot_x + plot_w * _clamp(pre) if pre is not None else None
        x_post = plot_x + plot_w * _clamp(post) if post is not None else None
        if x_pre is not None and x_post is not None:
            direction = "up" if (change or 0) > 0 else "down" if (change or 0) < 0 else "same"
            parts.append(_link(x_pre, x_post, cy, radius, direction))
        if x_pre is not None:
            parts.append(_dot("before", x_pre, cy, radius))
        if x_post is not None:
            parts.append(_dot("after", x_post, cy, radius))
        parts.append(_text(values_x, cy + 5, _arrow(pre, post), cls="value", size=SMALL))
        body.append(_row(code, parts))
    bottom = top + len(items) * row_h
    if not items:
        body.append(_text(plot_x, top + FONT, _("No data."), cls="muted"))
        bottom = top + LINE
    body.insert(0, _axis(plot_x, plot_w, top, bottom))

    summary = _summary(
        title,
        [
            _("%(label)s: %(before)s → %(after)s")
            % {
                "label": item.get("code", ""),
                "before": _percent(item.get("pre_correct")),
                "after": _percent(item.get("post_correct")),
            }
            for item in items
        ],
        intro=_("%(title)s (before → after): %(rows)s."),
    )
    return Chart(_svg(chart_id, "items", title, summary, bottom + 4 + 2 * SMALL, body), summary)


def distribution(
    chart_id: str,
    title: str,
    rows: list[tuple[str, dict[int, int]]],
    point_labels: dict[int, str],
) -> Chart:
    """A 100 % stacked bar per question: one segment per scale point in order (classes
    `p1`…`p5`), as wide as its share of the row's answers, with the share printed inside
    when it fits; a row without answers says "no answers"."""
    points = sorted(set(point_labels).union(*(counts for _label, counts in rows)))
    if not points:
        points = [1, 2, 3, 4, 5]
    legend, top = _legend(
        [
            (_swatch(f"p{point}"), _("%(point)s %(label)s") % {"point": point, "label": text})
            for point, text in ((p, point_labels.get(p, "")) for p in points)
        ],
        0,
    )
    top += 8
    body, bottom = _stacked_bars(rows, points, {point: f"p{point}" for point in points}, top)
    body.insert(0, legend)

    low, high = points[0], points[-1]
    summary_rows = []
    for label, counts in rows:
        total = sum(counts.get(point, 0) for point in points)
        if not total:
            summary_rows.append(_("%(label)s: no answers") % {"label": label})
            continue
        chosen = ", ".join(
            ngettext("%(count)s chose %(point)s", "%(count)s chose %(point)s", counts.get(point, 0))
            % {"count": counts.get(point, 0), "point": point}
            for point in points
        )
        summary_rows.append(
            ngettext(
                "%(label)s (%(total)s answer): %(counts)s",
                "%(label)s (%(total)s answers): %(counts)s",
                total,
            )
            % {"label": label, "total": total, "counts": chosen}
        )
    scale = _("Answers on a scale from %(low)s (%(low_label)s) to %(high)s (%(high_label)s).") % {
        "low": low,
        "low_label": point_labels.get(low, ""),
        "high": high,
        "high_label": point_labels.get(high, ""),
    }
    # The scale's sentence is formatted on its own: a point label may hold a "%".
    summary = scale + " " + _summary(title, summary_rows)
    height = bottom + 8
    return Chart(_svg(chart_id, "distribution", title, summary, height, body), summary)


# Pieces ------------------------------------------------------------------------------


def _stacked_bars(rows, keys, classes: dict, top: float) -> tuple[list, float]:
    """One 100 % stacked bar per row: a segment per key in order, as wide as its share of
    the row's total, its share printed inside when it fits; "no answers" for an empty row.
    Returns the rows' markup and the bottom of the last bar."""
    plot_x, plot_w = LABEL_X + 10, WIDTH - LABEL_X - 20
    bar_h, row_h = 24, 34
    body = []
    for index, (label, counts) in enumerate(rows):
        y = top + index * row_h
        parts = [_row_label(label, y + bar_h / 2)]
        total = sum(counts.get(key, 0) for key in keys)
        if not total:
            parts.append(_text(plot_x, y + bar_h / 2 + 5, _("no answers"), cls="muted"))
        x = plot_x
        for key in keys if total else ():
            count = counts.get(key, 0)
            width = plot_w * count / total
            parts.append(
                format_html(
                    '<rect class="segment {}" x="{}" y="{}" width="{}" height="{}"'
                    ' data-count="{}"/>',
                    classes[key],
                    _num(x),
                    _num(y),
                    _num(width),
                    bar_h,
                    count,
                )
            )
            if width >= INSIDE_MIN:
                parts.append(
                    _text(
                        x + width / 2,
                        y + bar_h / 2 + 4,
                        _percent(count / total),
                        cls="inside",
                        anchor="middle",
                        size=SMALL,
                    )
                )
            x += width
        body.append(_row(label, parts))
    bottom = top + len(rows) * row_h - (row_h - bar_h)
    if not rows:
        body.append(_text(plot_x, top + FONT, _("No data."), cls="muted"))
        bottom = top + LINE
    return body, bottom


def shares(
    chart_id: str,
    title: str,
    rows: list[tuple[str, dict[str, int]]],
    parts: list[tuple[str, str, str]],
) -> Chart:
    """A 100 % stacked bar per row for counts that are not a scale (e.g. attendance per
    session): `parts` gives each key its label and colour class (`p1`…`p5`), in order."""
    keys = [key for key, _label, _cls in parts]
    labels = {key: label for key, label, _cls in parts}
    legend, top = _legend([(_swatch(cls), label) for _key, label, cls in parts], 0)
    body, bottom = _stacked_bars(rows, keys, {key: cls for key, _l, cls in parts}, top + 8)
    body.insert(0, legend)
    summary_rows = [
        _("%(label)s: %(counts)s")
        % {
            "label": label,
            "counts": ", ".join(
                _("%(count)s %(part)s") % {"count": counts.get(key, 0), "part": labels[key]}
                for key in keys
            ),
        }
        for label, counts in rows
    ]
    summary = _summary(title, summary_rows)
    return Chart(_svg(chart_id, "shares", title, summary, bottom + 8, body), summary)


def _svg(chart_id: str, kind: str, title: str, summary: str, height: float, body) -> SafeString:
    if not CHART_ID.match(chart_id):
        raise ValueError(f"A chart id must be a plain HTML id, not {chart_id!r}.")
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="{id}-title {id}-desc"'
        ' viewBox="0 0 {width} {height}" class="chart chart-{kind}" font-size="{font}">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{summary}</desc>{body}</svg>',
        id=chart_id,
        width=WIDTH,
        height=_num(math.ceil(height)),
        kind=kind,
        font=FONT,
        title=title,
        summary=summary,
        body=mark_safe("".join(body)),  # noqa: S308 - each part is built with format_html
    )


def _summary(title: str, rows: list[str], intro: str | None = None) -> str:
    if not rows:
        return _("%(title)s: no data.") % {"title": title}
    return (intro or _("%(title)s: %(rows)s.")) % {"title": title, "rows": "; ".join(rows)}


def _row(label: str, parts: list[SafeString]) -> SafeString:
    """A row's group, with the full label as its tooltip."""
    return format_html(
        '<g class="row"><title>{}</title>{}</g>',
        label,
        mark_safe("".join(parts)),  # noqa: S308 - each part is built with format_html
    )


def _row_label(label: str, middle: float) -> SafeString:
    return _text(LABEL_X, middle + 5, _short(label, LABEL_CHARS), anchor="end")


def _bar(x, plot_w, y, height, share, cls, chart_id) -> SafeString:
    if share is None:
        return _text(x + 6, y + height - 3, "— " + _("not shown"), cls="value muted", size=SMALL)
    width = plot_w * _clamp(share)
    fill = format_html(' fill="url(#{}-hatch)"', chart_id) if cls == "before" else ""
    return format_html(
        '<rect class="bar {}" x="{}" y="{}" width="{}" height="{}"{}/>{}',
        cls,
        _num(x),
        _num(y),
        _num(width),
        height,
        fill,
        _text(x + width + 6, y + height - 3, _percent(share), cls="value", size=SMALL),
    )


def _hatch(chart_id: str) -> SafeString:
    """Diagonal stripes for the "before" series, so it differs from "after" in greyscale."""
    return format_html(
        '<defs><pattern id="{}-hatch" width="6" height="6" patternUnits="userSpaceOnUse"'
        ' patternTransform="rotate(45)"><rect class="hatch-ground" width="6" height="6"/>'
        '<line class="hatch" x1="0" y1="0" x2="0" y2="6"/></pattern></defs>',
        chart_id,
    )


def _dot(cls: str, cx: float, cy: float, radius: float) -> SafeString:
    return format_html(
        '<circle class="dot {}" cx="{}" cy="{}" r="{}"/>', cls, _num(cx), _num(cy), radius
    )


def _dot_marker(cls: str, radius: float) -> Callable[[float, float], SafeString]:
    return lambda x, baseline: _dot(cls, x + 7, baseline - 4, radius)


def _link(x_pre: float, x_post: float, cy: float, radius: float, direction: str) -> SafeString:
    """The line from the pre dot to the post dot, with an arrow head pointing at the post
    dot when there is room for one."""
    line = format_html(
        '<line class="link {}" x1="{}" y1="{}" x2="{}" y2="{}"/>',
        direction,
        _num(x_pre),
        _num(cy),
        _num(x_post),
        _num(cy),
    )
    length = abs(x_post - x_pre)
    if length < 2 * radius + 8:
        return line
    sign = 1 if x_post > x_pre else -1
    tip = x_post - sign * (radius + 1)
    base = tip - sign * 7
    head = format_html(
        '<polygon class="arrow {}" points="{},{} {},{} {},{}"/>',
        direction,
        _num(tip),
        _num(cy),
        _num(base),
        _num(cy - 4.5),
        _num(base),
        _num(cy + 4.5),
    )
    return line + head


def _axis(plot_x: float, plot_w: float, top: float, bottom: float) -> SafeString:
    """Vertical grid lines at 0, 25, 50, 75 and 100 % with their labels below."""
    parts = []
    for tick in TICKS:
        x = plot_x + plot_w * tick
        parts.append(
            format_html(
                '<line class="grid" x1="{}" y1="{}" x2="{}" y2="{}"/>{}',
                _num(x),
                _num(top),
                _num(x),
                _num(bottom),
                _text(x, bottom + SMALL + 4, _percent(tick), "tick", "middle", SMALL),
            )
        )
    return format_html('<g class="axis">{}</g>', mark_safe("".join(parts)))  # noqa: S308


def _swatch(cls: str, chart_id: str | None = None) -> Callable[[float, float], SafeString]:
    def draw(x: float, y: float) -> SafeString:
        fill = format_html(' fill="url(#{}-hatch)"', chart_id) if chart_id else ""
        return format_html(
            '<rect class="swatch {}" x="{}" y="{}" width="14" height="14"{}/>',
            cls,
            _num(x),
            _num(y - 11),
            fill,
        )

    return draw


def _legend(entries: list, y: float) -> tuple[SafeString, float]:
    """The legend's entries (a marker and a text) in lines across the chart's width; returns
    the legend and its bottom."""
    parts, x, line = [], 0.0, 0
    for marker, text in entries:
        shown = _short(text, LEGEND_CHARS)
        width = 20 + len(shown) * CHAR_WIDTH
        if x and x + width > WIDTH:
            x, line = 0.0, line + 1
        baseline = y + 16 + line * LINE
        parts.append(
            format_html(
                '<g class="legend-entry"><title>{}</title>{}{}</g>',
                text,
                marker(x, baseline),
                _text(x + 20, baseline, shown, size=SMALL),
            )
        )
        x += width + 18
    legend = format_html('<g class="legend">{}</g>', mark_safe("".join(parts)))  # noqa: S308
    return legend, y + (line + 1) * LINE


def _text(x, y, content, cls="", anchor="start", size=FONT) -> SafeString:
    return format_html(
        '<text{}{} x="{}" y="{}"{}>{}</text>',
        format_html(' class="{}"', cls) if cls else "",
        format_html(' text-anchor="{}"', anchor) if anchor != "start" else "",
        _num(x),
        _num(y),
        format_html(' font-size="{}"', size) if size != FONT else "",
        content,
    )


def _arrow(pre: float | None, post: float | None) -> str:
    """The value column's "40 % → 75 %", narrow: "—" stands for a missing share."""
    before, after = (_percent(share) if share is not None else "—" for share in (pre, post))
    return _("%(before)s → %(after)s") % {"before": before, "after": after}


def _percent(share: float | None) -> str:
    """62 % for 0.62, rounded half up (away from zero) as every figure is
    (`capacita.shared.rounding.percent`); "not shown" for None."""
    if share is None:
        return _("not shown")
    return _("%(value)s %%") % {"value": rounding.percent(share)}


def _short(text: str, limit: int) -> str:
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _clamp(share: float) -> float:
    return min(max(share, 0.0), 1.0)


def _num(value: float) -> str:
    """A coordinate with at most two decimals, without trailing zeros or a "-0"."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text

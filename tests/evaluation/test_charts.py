"""The report's SVG charts: well-formed, accessible, proportional, escaped and stable."""

import xml.etree.ElementTree as ET

import pytest
from django.utils import translation

from capacita.evaluation import charts
from capacita.evaluation.charts import Chart, distribution, item_change, paired_bars

SVG = "{http://www.w3.org/2000/svg}"
POINTS = {1: "strongly disagree", 2: "disagree", 3: "neither", 4: "agree", 5: "strongly agree"}
HOSTILE = '<script>alert(1)</script>"&'


def parse(chart: Chart) -> ET.Element:
    return ET.fromstring(str(chart.svg))  # noqa: S314 - our own output, parsed to check it


def bars(root: ET.Element, *classes: str) -> list[ET.Element]:
    """The rectangles that have all these classes (legend swatches are not bars)."""
    return [
        rect
        for rect in root.iter(f"{SVG}rect")
        if set(classes) <= set(rect.get("class", "").split())
    ]


def texts(root: ET.Element) -> list[str]:
    return ["".join(text.itertext()) for text in root.iter(f"{SVG}text")]


def all_charts(label="Mexico") -> list[Chart]:
    return [
        paired_bars("scores", "Mean score", [(label, 0.55, 0.8), ("Peru", None, 0.0)]),
        item_change(
            "items",
            "Items",
            [
                {"code": label, "pre_correct": 0.4, "post_correct": 0.75, "change": 0.35},
                {"code": "K02", "pre_correct": 0.8, "post_correct": 0.5, "change": -0.3},
                {"code": "K03", "pre_correct": None, "post_correct": 0.5, "change": None},
            ],
        ),
        distribution(
            "scale", "Expectations", [(label, {1: 2, 2: 3, 3: 5, 4: 6, 5: 4}), ("S02", {})], POINTS
        ),
    ]


@pytest.mark.parametrize("index", [0, 1, 2])
def test_it_draws_well_formed_svg_labelled_by_its_title_and_summary(index):
    with translation.override("en"):
        chart = all_charts()[index]
    root = parse(chart)
    chart_id = ("scores", "items", "scale")[index]
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == f"{chart_id}-title {chart_id}-desc"
    assert "chart" in root.get("class").split()
    assert root.get("width") is None and root.get("height") is None
    assert root.get("viewBox").split()[:3] == ["0", "0", "640"]
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title.get("id") == f"{chart_id}-title"
    assert title.text == ("Mean score", "Items", "Expectations")[index]
    assert desc.get("id") == f"{chart_id}-desc"
    assert desc.text == chart.summary


def test_every_piece_of_drawing_stays_inside_the_view_box():
    for chart in all_charts():
        root = parse(chart)
        height = float(root.get("viewBox").split()[3])
        for element in root.iter():
            for name in ("x", "x1", "x2", "cx"):
                if element.get(name) is not None:
                    assert 0 <= float(element.get(name)) <= 640, (name, element.attrib)
            for name in ("y", "y1", "y2", "cy"):
                if element.get(name) is not None:
                    assert 0 <= float(element.get(name)) <= height, (name, element.attrib)


def test_text_is_at_least_twelve_units_high():
    for chart in all_charts():
        root = parse(chart)
        assert int(root.get("font-size")) >= 12
        sizes = [int(t.get("font-size")) for t in root.iter(f"{SVG}text") if t.get("font-size")]
        assert sizes and min(sizes) >= 12


def test_bar_length_is_proportional_to_the_share():
    root = parse(paired_bars("p", "Score", [("A", 1.0, 0.5), ("B", 0.25, 0.333)]))
    before, after = bars(root, "bar", "before"), bars(root, "bar", "after")
    assert len(before) == 2 and len(after) == 2
    full = float(before[0].get("width"))
    assert full > 0
    assert float(after[0].get("width")) == pytest.approx(full / 2, abs=0.01)
    assert float(before[1].get("width")) == pytest.approx(full / 4, abs=0.01)
    assert float(after[1].get("width")) == pytest.approx(full * 0.333, abs=0.01)
    # All bars start on the same axis.
    assert {bar.get("x") for bar in before + after} == {before[0].get("x")}


def test_a_missing_share_draws_no_bar_and_zero_a_zero_width_bar():
    with translation.override("en"):
        chart = paired_bars("p", "Score", [("Peru", None, 0.0)])
    root = parse(chart)
    assert bars(root, "bar", "before") == []
    (after,) = bars(root, "bar", "after")
    assert float(after.get("width")) == 0
    labels = texts(root)
    assert "0 %" in labels
    assert "— not shown" in labels
    assert "Peru: Before (pre-test) not shown, After (post-test) 0 %" in chart.summary


def test_percentages_are_rounded_half_up():
    with translation.override("en"):
        chart = paired_bars("p", "Score", [("A", 0.285, 0.625), ("B", 0.004, 0.999)])
    assert "A: Before (pre-test) 29 %, After (post-test) 63 %" in chart.summary
    assert "B: Before (pre-test) 0 %, After (post-test) 100 %" in chart.summary


def test_paired_bars_have_a_legend_with_custom_labels_and_distinct_series():
    root = parse(paired_bars("p", "Score", [("A", 0.5, 0.6)], "Women", "Men"))
    legend = root.find(f".//{SVG}g[@class='legend']")
    assert [t.text for t in legend.iter(f"{SVG}text")] == ["Women", "Men"]
    # "Before" is hatched (a pattern of this chart), "after" solid through its class.
    (before,) = bars(root, "bar", "before")
    (after,) = bars(root, "bar", "after")
    assert before.get("fill") == "url(#p-hatch)"
    assert root.find(f".//{SVG}pattern").get("id") == "p-hatch"
    assert after.get("fill") is None


def test_summary_names_every_row_with_its_values():
    with translation.override("en"):
        bars_chart, items_chart, scale_chart = all_charts()
    assert bars_chart.summary == (
        "Mean score: Mexico: Before (pre-test) 55 %, After (post-test) 80 %; "
        "Peru: Before (pre-test) not shown, After (post-test) 0 %."
    )
    assert items_chart.summary == (
        "Items (before → after): Mexico: 40 % → 75 %; K02: 80 % → 50 %; K03: not shown → 50 %."
    )
    assert scale_chart.summary == (
        "Answers on a scale from 1 (strongly disagree) to 5 (strongly agree). Expectations: "
        "Mexico (20 answers): 2 chose 1, 3 chose 2, 5 chose 3, 6 chose 4, 4 chose 5; "
        "S02: no answers."
    )


def test_every_word_goes_through_gettext_when_drawn(monkeypatch):
    # A stand-in catalogue that marks every string it translates: a word looked up at
    # import time, or not looked up at all, shows up unmarked.
    monkeypatch.setattr(charts, "_", lambda text: "«" + text + "»")
    monkeypatch.setattr(
        charts, "ngettext", lambda one, many, n: "«" + (one if n == 1 else many) + "»"
    )
    drawn = all_charts()
    legend_texts = [
        text.text
        for chart in drawn[:2]
        for text in parse(chart).find(f".//{SVG}g[@class='legend']").iter(f"{SVG}text")
    ]
    assert legend_texts == ["«Before (pre-test)»", "«After (post-test)»"] * 2
    assert "«— not shown»" not in texts(parse(drawn[0]))
    assert "— «not shown»" in texts(parse(drawn[0]))
    assert "«no answers»" in texts(parse(drawn[2]))
    for chart in drawn:
        assert chart.summary.startswith("«") and chart.summary.endswith("»")


def test_it_draws_in_spanish_too():
    with translation.override("es"):
        chart = paired_bars("p", "Puntaje", [("México", 0.5, None)])
    assert "México" in chart.summary
    parse(chart)


def test_hostile_labels_appear_as_text():
    chart = all_charts(label=HOSTILE)
    for drawn in chart:
        svg = str(drawn.svg)
        assert "<script" not in svg
        assert "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&amp;" in svg
        root = parse(drawn)  # still well-formed
        row_titles = [
            g.find(f"{SVG}title").text for g in root.iter(f"{SVG}g") if g.get("class") == "row"
        ]
        assert HOSTILE in row_titles
        assert HOSTILE in drawn.summary  # plain text: the template escapes it
    chart = paired_bars("p", HOSTILE, [], before_label=HOSTILE)
    assert "<script" not in str(chart.svg)
    assert parse(chart).find(f"{SVG}title").text == HOSTILE


def test_a_chart_id_that_is_not_a_plain_id_is_refused():
    with pytest.raises(ValueError):
        paired_bars('x" onload="alert(1)', "Score", [])


def test_long_labels_are_cut_with_the_full_text_as_tooltip():
    label = "The Bolivarian Republic of Venezuela"
    root = parse(paired_bars("p", "Score", [(label, 0.5, 0.5)]))
    (row,) = [g for g in root.iter(f"{SVG}g") if g.get("class") == "row"]
    assert row.find(f"{SVG}title").text == label
    shown = row.find(f"{SVG}text").text
    assert shown.endswith("…") and len(shown) <= 20 and label.startswith(shown[:-1])


def test_no_inline_style_anywhere():
    charts = all_charts() + all_charts(label=HOSTILE)
    for chart in charts:
        root = parse(chart)
        assert root.find(f".//{SVG}style") is None
        assert all(element.get("style") is None for element in root.iter())
        assert "style=" not in str(chart.svg)


def test_output_is_deterministic():
    with translation.override("en"):
        first = [(str(c.svg), c.summary) for c in all_charts()]
        second = [(str(c.svg), c.summary) for c in all_charts()]
    assert first == second


def test_item_change_draws_a_dumbbell_pointing_from_before_to_after():
    root = parse(all_charts()[1])
    rows = [g for g in root.iter(f"{SVG}g") if g.get("class") == "row"]
    up, down, only_post = rows

    def dots(row):
        return {c.get("class").split()[1]: float(c.get("cx")) for c in row.iter(f"{SVG}circle")}

    up_dots, down_dots = dots(up), dots(down)
    assert up_dots["before"] < up_dots["after"]
    assert down_dots["before"] > down_dots["after"]
    # The dots sit at their shares of the axis, from its 0 % line to its 100 % line.
    grid = [
        float(line.get("x1")) for line in root.iter(f"{SVG}line") if line.get("class") == "grid"
    ]
    start, width = grid[0], grid[-1] - grid[0]
    for dot, share in zip(
        (up_dots["before"], up_dots["after"], down_dots["before"], down_dots["after"]),
        (0.4, 0.75, 0.8, 0.5),
        strict=True,
    ):
        assert dot == pytest.approx(start + share * width, abs=0.01)
    # The arrow head points at the post dot: its tip lies beyond its base in that direction.
    for row, sign in ((up, 1), (down, -1)):
        assert ("up" if sign > 0 else "down") in row.find(f"{SVG}line").get("class").split()
        tip, base, _ = (
            float(p.split(",")[0]) for p in row.find(f"{SVG}polygon").get("points").split()
        )
        assert (tip - base) * sign > 0
    assert dots(only_post).keys() == {"after"}
    assert only_post.find(f"{SVG}line") is None
    assert "— → 50 %" in texts(only_post)


def test_item_change_with_no_change_draws_no_arrow():
    root = parse(
        item_change(
            "i", "Items", [{"code": "K1", "pre_correct": 0.5, "post_correct": 0.5, "change": 0}]
        )
    )
    assert root.find(f".//{SVG}polygon") is None
    assert len(list(root.iter(f"{SVG}circle"))) == 4  # two in the legend, two in the row


def test_distribution_segments_fill_the_whole_bar_in_scale_order():
    root = parse(
        distribution(
            "s",
            "Scale",
            [("S01", {5: 4, 1: 2, 2: 3, 3: 5, 4: 6}), ("S02", {1: 1, 2: 0, 3: 0, 4: 0, 5: 2})],
            POINTS,
        )
    )
    rows = [g for g in root.iter(f"{SVG}g") if g.get("class") == "row"]
    widths = []
    for row in rows:
        segments = bars(row, "segment")
        assert [s.get("class") for s in segments] == [f"segment p{p}" for p in range(1, 6)]
        # Each segment starts where the previous one ends.
        for previous, segment in zip(segments, segments[1:], strict=False):
            end = float(previous.get("x")) + float(previous.get("width"))
            assert float(segment.get("x")) == pytest.approx(end, abs=0.01)
        widths.append(sum(float(s.get("width")) for s in segments))
    assert widths[0] == pytest.approx(widths[1], abs=0.02)
    s01 = bars(rows[0], "segment")
    assert float(s01[3].get("width")) == pytest.approx(widths[0] * 6 / 20, abs=0.01)
    assert "30 %" in texts(rows[0])
    # A share too narrow for its label is drawn without one.
    assert "33 %" in texts(rows[1]) and "67 %" in texts(rows[1]) and "0 %" not in texts(rows[1])


def test_distribution_row_without_answers_says_so():
    with translation.override("en"):
        chart = distribution("s", "Scale", [("S01", {1: 0, 2: 0}), ("S02", {3: 1})], POINTS)
    root = parse(chart)
    empty, answered = [g for g in root.iter(f"{SVG}g") if g.get("class") == "row"]
    assert bars(empty, "segment") == []
    assert "no answers" in texts(empty)
    assert len(bars(answered, "segment")) == 5
    assert "S01: no answers" in chart.summary
    assert "S02 (1 answer): 0 chose 1, 0 chose 2, 1 chose 3, 0 chose 4, 0 chose 5" in chart.summary


def test_distribution_legend_lists_every_point_and_wraps_on_narrow_space():
    labels = {p: f"a rather long description of point {p}" for p in range(1, 6)}
    root = parse(distribution("s", "Scale", [("S01", {1: 1})], labels))
    legend = root.find(f".//{SVG}g[@class='legend']")
    shown = [t.text for t in legend.iter(f"{SVG}text")]
    assert shown == [f"{p} a rather long description of point {p}" for p in range(1, 6)]
    lines = {t.get("y") for t in legend.iter(f"{SVG}text")}
    assert len(lines) > 1
    for text in legend.iter(f"{SVG}text"):
        assert float(text.get("x")) + len(text.text) * 7.5 <= 640


def test_empty_charts_still_render():
    with translation.override("en"):
        charts = [
            paired_bars("a", "Score", []),
            item_change("b", "Items", []),
            distribution("c", "Scale", [], POINTS),
        ]
    for chart in charts:
        root = parse(chart)
        assert "No data." in texts(root)
        assert chart.summary.endswith("no data.")


def test_shares_stack_named_parts_in_proportion():
    from capacita.evaluation.charts import shares

    with translation.override("en"):
        chart = shares(
            "att",
            "Attendance",
            [("Session 1", {"yes": 3, "no": 1}), ("Session 2", {"yes": 0, "no": 0})],
            [("yes", "attended", "p5"), ("no", "absent", "p1")],
        )
    root = parse(chart)
    widths = {
        rect.get("class"): float(rect.get("width"))
        for rect in root.iter(f"{SVG}rect")
        if "segment" in (rect.get("class") or "")
    }
    assert widths["segment p5"] == pytest.approx(3 * widths["segment p1"], abs=0.05)
    assert "Session 1: 3 attended, 1 absent" in chart.summary
    assert "Session 2: 0 attended, 0 absent" in chart.summary
    assert "style=" not in str(chart.svg)

"""The SVG chart renderer: well-formed, accessible, escaped, proportional, mirrored in RTL."""

import itertools
import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.utils import translation
from django.utils.safestring import SafeString

from ipassist.reports.charts import Datum, bar_chart, column_chart

NS = "{http://www.w3.org/2000/svg}"
HOSTILE = "<script>alert('x')</script> \" ' & ]]> <!-- -->"


def parse(svg) -> ET.Element:
    return ET.fromstring(str(svg))  # noqa: S314 — our own output; it must be well-formed XML


def classed(root: ET.Element, cls: str) -> list[ET.Element]:
    return [el for el in root.iter() if cls in el.get("class", "").split()]


def num(el: ET.Element, attr: str) -> float:
    return float(el.get(attr))


def view_box(root: ET.Element) -> list[float]:
    return [float(v) for v in root.get("viewBox").split()]


def data_groups(root: ET.Element) -> list[ET.Element]:
    return classed(root, "chart-datum")


def texts(group: ET.Element, cls: str) -> list[str]:
    return [el.text for el in classed(group, cls)]


REGIONS = [
    Datum("Africa", 40, "40"),
    Datum("Asia and the Pacific", 10, "10"),
    Datum("Europe", None, "<5"),
    Datum("Arab States", 25, "25"),
]
YEARS = [Datum("2021", 4, "4"), Datum("2022", 12, "12"), Datum("2023", None, "<5"), Datum("2024", 8, "8")]
CHARTS = [bar_chart, column_chart]


def bar_length(chart, el: ET.Element) -> float:
    return num(el, "width" if chart is bar_chart else "height")


# --- structure and accessibility -------------------------------------------------------------------


@pytest.mark.parametrize("chart", CHARTS)
def test_accessible_svg_with_title_and_description(chart):
    svg = chart(chart_id="regions", title="Requests by region", description="Counts, 2024.", data=REGIONS)
    assert isinstance(svg, SafeString)
    root = parse(svg)
    assert root.tag == f"{NS}svg"
    assert root.get("role") == "img"
    assert root.get("width") == "100%"
    assert len(view_box(root)) == 4
    assert root.get("aria-labelledby") == "regions-title regions-desc"
    title, desc = root[0], root[1]
    assert (title.tag, title.get("id"), title.text) == (f"{NS}title", "regions-title", "Requests by region")
    assert (desc.tag, desc.get("id"), desc.text) == (f"{NS}desc", "regions-desc", "Counts, 2024.")
    assert int(root.get("font-size")) >= 12


@pytest.mark.parametrize("chart", CHARTS)
def test_no_inline_styles(chart):
    """The CSP forbids inline styles: classes and presentation attributes only."""
    root = parse(chart(chart_id="c", title="t", description="d", data=REGIONS, rtl=True))
    for el in root.iter():
        assert el.tag != f"{NS}style"
        assert "style" not in el.attrib
        assert "fill" not in el.attrib  # colours come from the stylesheet, so they meet contrast there


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("regions", "regions"),
        ("2024 by region", "chart-2024-by-region"),
        ('"><b>', "b"),
        ("", "chart"),
        ("é", "chart"),
    ],
)
def test_chart_id_is_sanitised_into_a_valid_id(raw, expected):
    root = parse(bar_chart(chart_id=raw, title="t", description="d", data=REGIONS))
    ids = [root[0].get("id"), root[1].get("id")]
    assert ids == [f"{expected}-title", f"{expected}-desc"]
    assert root.get("aria-labelledby") == " ".join(ids)
    for value in ids:
        assert re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]*", value)


@pytest.mark.parametrize("chart", CHARTS)
def test_each_datum_has_its_title_label_and_value_text(chart):
    data = REGIONS if chart is bar_chart else YEARS
    root = parse(chart(chart_id="c", title="t", description="d", data=data))
    groups = data_groups(root)
    assert len(groups) == len(data)
    for group, datum in zip(groups, data, strict=True):
        assert group[0].tag == f"{NS}title"
        assert group[0].text == f"{datum.label}: {datum.text}"
        assert texts(group, "chart-value") == [datum.text]
        assert texts(group, "chart-label") == [datum.label]


# --- geometry -------------------------------------------------------------------------------------


@pytest.mark.parametrize("chart", CHARTS)
def test_one_bar_per_known_value_proportional_to_it(chart):
    data = [Datum("a", 40, "40"), Datum("b", 10, "10"), Datum("c", 25, "25"), Datum("d", 0, "0")]
    root = parse(chart(chart_id="c", title="t", description="d", data=data))
    bars = classed(root, "chart-bar")
    assert len(bars) == len(data)
    lengths = [bar_length(chart, bar) for bar in bars]
    assert lengths[3] == 0
    for length, datum in zip(lengths, data, strict=True):
        assert length == pytest.approx(lengths[0] * datum.value / 40, abs=0.1)


@pytest.mark.parametrize("chart", CHARTS)
def test_scale_is_a_nice_maximum_with_simple_ticks(chart):
    data = [Datum("a", 87, "87"), Datum("b", 120, "120")]
    with translation.override("en"):
        root = parse(chart(chart_id="c", title="t", description="d", data=data))
    ticks = [el.text for el in classed(root, "chart-ticks")[0]]
    assert ticks == ["0", "25", "50", "75", "100", "125"]
    # the longest bar is 120/125 of the axis: the distance from the 0 tick to the 125 tick
    tick_els = list(classed(root, "chart-ticks")[0])
    axis = "x" if chart is bar_chart else "y"
    axis_length = abs(num(tick_els[-1], axis) - num(tick_els[0], axis))
    longest = bar_length(chart, classed(root, "chart-bar")[1])
    assert longest == pytest.approx(axis_length * 120 / 125, abs=0.2)


def test_counts_get_whole_number_ticks_and_fractions_get_decimals():
    with translation.override("en"):
        counts = parse(bar_chart(chart_id="c", title="t", description="d", data=[Datum("a", 2, "2")]))
        means = parse(bar_chart(chart_id="c", title="t", description="d", data=[Datum("a", 0.9, "0.9")]))
    assert [el.text for el in classed(counts, "chart-ticks")[0]] == ["0", "1", "2"]
    assert [el.text for el in classed(means, "chart-ticks")[0]] == ["0", "0.2", "0.4", "0.6", "0.8", "1"]


def test_ticks_follow_the_page_language():
    with translation.override("fr"):
        root = parse(bar_chart(chart_id="c", title="t", description="d", data=[Datum("a", 0.9, "0,9")]))
    assert [el.text for el in classed(root, "chart-ticks")[0]][1] == "0,2"


def test_large_values_use_fewer_ticks_so_that_they_do_not_overlap():
    root = parse(
        bar_chart(chart_id="c", title="t", description="d", data=[Datum("a", 123456789, "123,456,789")])
    )
    tick_els = list(classed(root, "chart-ticks")[0])
    assert 2 <= len(tick_els) < 6
    gaps = [num(b, "x") - num(a, "x") for a, b in itertools.pairwise(tick_els)]
    assert min(gaps) > 9 * 8  # nine digits at about 8 units each


def test_bars_start_on_a_shared_baseline_in_rows_of_equal_height():
    root = parse(bar_chart(chart_id="c", title="t", description="d", data=REGIONS))
    bars = classed(root, "chart-bar")
    assert len({bar.get("x") for bar in bars}) == 1
    assert len({bar.get("height") for bar in bars}) == 1
    ys = [num(bar, "y") for bar in bars]
    assert ys == sorted(ys)


def test_columns_stand_on_a_shared_baseline_in_order():
    root = parse(column_chart(chart_id="c", title="t", description="d", data=YEARS))
    bars = classed(root, "chart-bar")
    bottoms = {round(num(bar, "y") + num(bar, "height"), 1) for bar in bars}
    assert len(bottoms) == 1
    xs = [num(group.find(f"{NS}rect"), "x") for group in data_groups(root)]
    assert xs == sorted(xs)


def test_many_categories_grow_the_chart_instead_of_squashing_it():
    few = parse(bar_chart(chart_id="c", title="t", description="d", data=REGIONS[:3]))
    countries = [Datum(f"Country {i}", i + 1, str(i + 1)) for i in range(60)]
    many = parse(bar_chart(chart_id="c", title="t", description="d", data=countries))
    assert view_box(many)[2] == view_box(few)[2]
    bars = classed(many, "chart-bar")
    pitch = num(bars[1], "y") - num(bars[0], "y")
    assert pitch >= num(bars[0], "height") > 10
    assert view_box(many)[3] >= 60 * pitch
    assert classed(many, "chart-bar")[0].get("height") == classed(few, "chart-bar")[0].get("height")
    assert len(classed(many, "chart-bar")) == 60


def test_many_columns_widen_the_chart_and_turn_their_labels():
    few = parse(column_chart(chart_id="c", title="t", description="d", data=YEARS))
    years = [Datum(str(year), year - 1960, f"{year - 1960} days") for year in range(1965, 2025)]
    many = parse(column_chart(chart_id="c", title="t", description="d", data=years))
    assert view_box(many)[2] > view_box(few)[2]
    columns = classed(many, "chart-bar")
    assert min(num(bar, "width") for bar in columns) >= 10
    # columns do not overlap
    xs = [num(bar, "x") for bar in columns]
    assert all(b - a >= num(columns[0], "width") for a, b in itertools.pairwise(xs))
    assert all(el.get("transform", "").startswith("rotate(-90") for el in classed(many, "chart-label"))
    assert all("transform" not in el.attrib for el in classed(few, "chart-label"))


def test_long_labels_are_shortened_in_the_drawing_and_whole_in_the_title():
    label = "The Secretariat of the Regional Intellectual Property Organisation of Somewhere"
    root = parse(bar_chart(chart_id="c", title="t", description="d", data=[Datum(label, 3, "3")]))
    (group,) = data_groups(root)
    drawn = texts(group, "chart-label")[0]
    assert drawn.endswith("\u2026")
    assert label.startswith(drawn[:-1])
    assert len(drawn) < len(label)
    assert group[0].text == f"{label}: 3"


def test_coordinates_are_rounded_and_output_is_deterministic():
    data = [Datum("a", 1 / 3, "0.33"), Datum("b", 2 / 7, "0.29"), Datum("c", None, "<5")]
    first = bar_chart(chart_id="c", title="t", description="d", data=data)
    assert first == bar_chart(chart_id="c", title="t", description="d", data=list(data))
    for chart in CHARTS:
        root = parse(chart(chart_id="c", title="t", description="d", data=data))
        for el in root.iter():
            if el is root:
                continue  # width="100%"
            for attr in ("x", "y", "width", "height", "x1", "x2", "y1", "y2"):
                if attr in el.attrib:
                    assert re.fullmatch(r"-?\d+(\.\d)?", el.get(attr)), (attr, el.get(attr))


@pytest.mark.parametrize("chart", CHARTS)
@pytest.mark.parametrize("maximum", [5e-324, 1.1, 1e300])
def test_extreme_magnitudes_still_render(chart, maximum):
    root = parse(chart(chart_id="c", title="t", description="d", data=[Datum("a", maximum, "x")]))
    assert len(classed(root, "chart-bar")) == 1


def test_decimal_values_are_accepted():
    root = parse(
        bar_chart(chart_id="c", title="t", description="d", data=[Datum("a", Decimal("2.5"), "2.5")])
    )
    assert len(classed(root, "chart-bar")) == 1


# --- suppressed values ----------------------------------------------------------------------------


@pytest.mark.parametrize("chart", CHARTS)
def test_suppressed_value_has_a_marker_and_its_text_but_no_bar(chart):
    root = parse(
        chart(chart_id="c", title="t", description="d", data=REGIONS if chart is bar_chart else YEARS)
    )
    groups = data_groups(root)
    suppressed = groups[2]
    assert classed(suppressed, "chart-bar") == []
    assert len(classed(suppressed, "chart-suppressed")) == 1
    assert texts(suppressed, "chart-value") == ["<5"]
    assert len(classed(root, "chart-suppressed")) == 1
    assert len(classed(root, "chart-bar")) == 3


@pytest.mark.parametrize("chart", CHARTS)
def test_only_zeros_and_suppressed_values_still_show_the_rows(chart):
    data = [Datum("a", 0, "0"), Datum("b", None, "<5")]
    root = parse(chart(chart_id="c", title="t", description="d", data=data, empty_text="No data"))
    assert classed(root, "chart-empty") == []
    assert len(data_groups(root)) == 2
    assert len(classed(root, "chart-suppressed")) == 1
    assert texts(root, "chart-value") == ["0", "<5"]


# --- empty and invalid input ----------------------------------------------------------------------


@pytest.mark.parametrize("chart", CHARTS)
@pytest.mark.parametrize(
    "data", [[], [Datum("a", 0, "0"), Datum("b", 0.0, "0")]], ids=["no-data", "all-zeros"]
)
def test_no_data_or_all_zeros_shows_the_empty_text(chart, data):
    root = parse(chart(chart_id="c", title="Empty", description="d", data=data, empty_text="No requests yet"))
    assert root.get("aria-labelledby") == "c-title c-desc"
    assert texts(root, "chart-empty") == ["No requests yet"]
    assert classed(root, "chart-bar") == []
    assert all(v > 0 for v in view_box(root)[2:])


@pytest.mark.parametrize("chart", CHARTS)
@pytest.mark.parametrize("value", [-1, float("nan"), float("inf")])
def test_negative_or_non_finite_values_are_rejected(chart, value):
    with pytest.raises(ValueError, match="not negative"):
        chart(chart_id="c", title="t", description="d", data=[Datum("a", 3, "3"), Datum("b", value, "?")])


# --- escaping -------------------------------------------------------------------------------------


@pytest.mark.parametrize("chart", CHARTS)
@pytest.mark.parametrize("rtl", [False, True])
def test_hostile_strings_are_escaped(chart, rtl):
    data = [Datum(HOSTILE, 3, HOSTILE), Datum("a\x00b\x0bc\ud800", None, "<5"), Datum("&amp;", 1, "&")]
    svg = chart(chart_id=HOSTILE, title=HOSTILE, description=HOSTILE, data=data, rtl=rtl, empty_text=HOSTILE)
    assert "<script" not in svg
    assert "]]>" not in svg
    assert "<!--" not in svg
    root = parse(svg)  # well-formed despite control characters and lone surrogates
    assert root[0].text == HOSTILE.strip()  # white space is collapsed, nothing else changes
    assert root[1].text == HOSTILE.strip()
    groups = data_groups(root)
    assert groups[0][0].text == f"{HOSTILE.strip()}: {HOSTILE.strip()}"
    assert texts(groups[0], "chart-value") == [HOSTILE.strip()]
    assert groups[1][0].text == "abc: <5"
    assert texts(groups[2], "chart-label") == ["&amp;"]  # shown as typed, not decoded
    assert texts(groups[2], "chart-value") == ["&"]


def test_hostile_empty_text_is_escaped():
    svg = bar_chart(
        chart_id="c", title="t", description="d", data=[], empty_text="<img src=x onerror=alert(1)>"
    )
    assert "<img" not in svg
    assert texts(parse(svg), "chart-empty") == ["<img src=x onerror=alert(1)>"]


# --- right to left --------------------------------------------------------------------------------

ARABIC = [Datum("أفريقيا", 40, "40"), Datum("آسيا والمحيط الهادئ", 10, "10"), Datum("أوروبا", None, "<5")]


def test_ltr_chart_has_no_direction_attribute():
    assert "direction" not in parse(bar_chart(chart_id="c", title="t", description="d", data=ARABIC)).attrib


def test_rtl_bar_chart_is_mirrored():
    ltr = parse(bar_chart(chart_id="c", title="t", description="d", data=ARABIC))
    rtl = parse(bar_chart(chart_id="c", title="t", description="d", data=ARABIC, rtl=True))
    assert rtl.get("direction") == "rtl"
    width = view_box(ltr)[2]
    assert view_box(rtl) == view_box(ltr)
    for ltr_bar, rtl_bar in zip(classed(ltr, "chart-bar"), classed(rtl, "chart-bar"), strict=True):
        assert num(rtl_bar, "width") == num(ltr_bar, "width")
        # the bar's right edge in RTL is where its left edge is in LTR, seen in a mirror
        assert num(rtl_bar, "x") + num(rtl_bar, "width") == pytest.approx(width - num(ltr_bar, "x"), abs=0.1)
    for cls in ("chart-label", "chart-value", "chart-suppressed"):
        for a, b in zip(classed(ltr, cls), classed(rtl, cls), strict=True):
            if a.tag == f"{NS}text":
                assert num(b, "x") == pytest.approx(width - num(a, "x"), abs=0.1)
                # direction="rtl" makes SVG resolve these logically: "end" is then the left edge
                assert b.get("text-anchor") == a.get("text-anchor")
            else:
                assert num(b, "x") + num(b, "width") == pytest.approx(width - num(a, "x"), abs=0.1)
    # labels on the right of the bars, values on their left
    group = data_groups(rtl)[0]
    bar = classed(group, "chart-bar")[0]
    assert num(classed(group, "chart-label")[0], "x") > num(bar, "x") + num(bar, "width")
    assert num(classed(group, "chart-value")[0], "x") < num(bar, "x")
    assert texts(group, "chart-label") == ["أفريقيا"]


def test_rtl_column_chart_runs_right_to_left():
    ltr = parse(column_chart(chart_id="c", title="t", description="d", data=YEARS))
    rtl = parse(column_chart(chart_id="c", title="t", description="d", data=YEARS, rtl=True))
    width = view_box(rtl)[2]

    def centres(root):
        return [
            num(g.find(f"{NS}rect"), "x") + num(g.find(f"{NS}rect"), "width") / 2 for g in data_groups(root)
        ]

    assert centres(rtl) == sorted(centres(rtl), reverse=True)  # 2021 on the right
    for a, b in zip(centres(ltr), centres(rtl), strict=True):
        assert b == pytest.approx(width - a, abs=0.1)
    # the value axis moves to the right-hand side
    ltr_ticks = classed(ltr, "chart-ticks")[0]
    rtl_ticks = classed(rtl, "chart-ticks")[0]
    assert num(rtl_ticks[0], "x") > max(centres(rtl))
    assert num(ltr_ticks[0], "x") < min(centres(ltr))


def test_rtl_rotated_value_texts_still_run_away_from_their_column():
    """With direction="rtl" the start of a line is its right end, so rotated texts flip anchor."""
    years = [Datum(str(year), year - 1990, f"{year - 1990} days") for year in range(1995, 2025)]
    ltr = parse(column_chart(chart_id="c", title="t", description="d", data=years))
    rtl = parse(column_chart(chart_id="c", title="t", description="d", data=years, rtl=True))
    assert {el.get("text-anchor") for el in classed(ltr, "chart-value")} == {"start"}
    assert {el.get("text-anchor") for el in classed(rtl, "chart-value")} == {"end"}
    assert {el.get("text-anchor") for el in classed(ltr, "chart-label")} == {"end"}
    assert {el.get("text-anchor") for el in classed(rtl, "chart-label")} == {"start"}

"""Server-rendered SVG charts: readable without JavaScript, accessible, right-to-left aware.

Each chart is an inline ``<svg role="img">`` labelled by its own ``<title>`` and ``<desc>``; the
page puts the data table (the accessible and exact form of the same numbers) beside it. Colours
come from classes styled in ``static/css/ipassist.css`` ("Charts" section): the CSP forbids inline
styles, so the markup carries only classes and SVG presentation attributes.

Right to left: the root gets ``direction="rtl"`` (a presentation attribute), which gives the
labels the page's bidi base direction. SVG resolves ``text-anchor`` start/end against that
direction, so the anchors written here are logical: "end" is the right edge in LTR and the left
edge in RTL. All x coordinates are computed left to right and mirrored for RTL.

Text widths are estimated (the server has no fonts): estimates err on the wide side, and any
shortened label keeps its full text in the bar's ``<title>`` and in the page's table.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

__all__ = ["Datum", "bar_chart", "column_chart"]


@dataclass(frozen=True)
class Datum:
    label: str  # category label, already translated
    value: float | None  # None: suppressed (small cell) or unknown, drawn as a marked empty bar
    text: str  # the value as the page shows it, already localised ("1,234", "<5")


FONT = 13  # user units; the CSS caps the chart's width so this stays near 15px on a desktop
ELLIPSIS = "\u2026"

# Horizontal bar chart geometry (user units).
BAR_WIDTH = 480
BAR_LABEL_W = 150  # category labels end here (LTR)
BAR_GAP = 8
BAR_ROW = 26
BAR_H = 16
BAR_TOP = 6

# Column chart geometry.
COL_WIDTH = 480
COL_PLOT_H = 180
COL_MIN_SLOT = 22  # below this the chart grows wider instead of squashing the columns
COL_MAX_W = 56
COL_ROTATED_LABEL_MAX = 110

SUPPRESSED_H = 6  # the dashed placeholder drawn where a suppressed column would be

_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_NOT_ID = re.compile(r"[^A-Za-z0-9_-]+")


# --- text helpers ---------------------------------------------------------------------------------


def _clean(text: str) -> str:
    """Drop what XML cannot carry (NUL, other control characters) and collapse white space."""
    return " ".join(_NOT_XML.sub("", str(text)).split())


def _char_width(char: str) -> float:
    if unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0.0  # combining marks (Arabic harakat) and format controls take no advance
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return 1.0
    if char in " .,:;'!|iIjl()[]":
        return 0.33
    if char.isupper() or char in "mwMW%@—":
        return 0.72
    return 0.6


def _text_width(text: str, size: float = FONT) -> float:
    return sum(_char_width(c) for c in text) * size


def _shorten(text: str, max_width: float, size: float = FONT) -> str:
    """``text`` cut at the last character that fits ``max_width``, with an ellipsis."""
    if _text_width(text, size) <= max_width:
        return text
    budget = max_width - _text_width(ELLIPSIS, size)
    used = 0.0
    kept = []
    for char in text:
        used += _char_width(char) * size
        if used > budget:
            break
        kept.append(char)  # zero-width marks after the last kept letter stay with it
    return "".join(kept).rstrip() + ELLIPSIS


def _n(x: float) -> str:
    """A coordinate rounded to one decimal, without a trailing ".0" (compact, deterministic)."""
    s = f"{x:.1f}"
    if s.endswith(".0"):
        s = s[:-2]
    return "0" if s == "-0" else s


def _attrs(**attrs: object) -> str:
    """Attributes in the order given; ``text_anchor`` becomes ``text-anchor``."""
    parts = []
    for name, value in attrs.items():
        if value is None:
            continue
        if isinstance(value, float | int):
            value = _n(value)
        parts.append(f' {name.rstrip("_").replace("_", "-")}="{escape(value)}"')
    return "".join(parts)


def _text(content: str, **attrs: object) -> str:
    return f"<text{_attrs(**attrs)}>{escape(content)}</text>"


def _chart_id(chart_id: str) -> str:
    """An HTML/XML id: ASCII letters, digits, "-" and "_", starting with a letter."""
    cleaned = _NOT_ID.sub("-", str(chart_id)).strip("-")
    if not cleaned:
        return "chart"
    return cleaned if cleaned[0].isalpha() else f"chart-{cleaned}"


# --- values and scale -----------------------------------------------------------------------------


def _values(data: Sequence[Datum]) -> list[float | None]:
    values: list[float | None] = []
    for datum in data:
        if datum.value is None:
            values.append(None)
            continue
        value = float(datum.value)
        # Counts, durations and amounts are never negative: a negative value is a bug upstream,
        # and a bar drawn the other way round would hide it.
        if not math.isfinite(value) or value < 0:
            raise ValueError(f"Chart values must be finite and not negative: {datum.label!r} is {value!r}.")
        values.append(value)
    return values


def _nice_scale(maximum: float, *, integral: bool, intervals: int = 5) -> tuple[float, list[Decimal]]:
    """Top of the axis (a "nice" number at or above ``maximum``) and the tick values from 0."""
    exact = Decimal(repr(maximum))  # 1.1, not 1.100000000000000088…: no spurious extra tick
    exponent = math.floor(math.log10(maximum) - math.log10(intervals))  # no underflow for tiny maxima
    for mult in ("1", "2", "2.5", "5", "10"):  # "10" always fits: maximum / intervals < 10 ** (exponent + 1)
        step = Decimal(mult).scaleb(exponent)
        if integral and step != step.to_integral_value():
            continue  # counts get whole-number ticks
        if math.ceil(exact / step) <= intervals:
            break
    count = max(1, math.ceil(exact / step))
    ticks = [step * i for i in range(count + 1)]
    return float(ticks[-1]), ticks


def _tick_label(tick: Decimal) -> str:
    decimals = max(0, -tick.normalize().as_tuple().exponent)
    return number_format(tick, decimal_pos=decimals)  # the page's decimal separator, no grouping


# --- the SVG frame --------------------------------------------------------------------------------


def _svg(
    *,
    kind: str,
    chart_id: str,
    title: str,
    description: str,
    width: float,
    height: float,
    rtl: bool,
    body: list[str],
) -> SafeString:
    cid = _chart_id(chart_id)
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg"{_attrs(class_=f"chart {kind}")}'
        f"{_attrs(viewBox=f'0 0 {_n(width)} {_n(height)}', width='100%', role='img')}"
        f"{_attrs(aria_labelledby=f'{cid}-title {cid}-desc', font_size=FONT)}"
        f"{_attrs(direction='rtl' if rtl else None)}>"
        f"<title{_attrs(id=f'{cid}-title')}>{escape(_clean(title))}</title>"
        f"<desc{_attrs(id=f'{cid}-desc')}>{escape(_clean(description))}</desc>"
    )
    # Every piece above and in ``body`` went through escape() or is a number we formatted.
    return mark_safe(head + "".join(body) + "</svg>")  # noqa: S308


def _nothing_to_draw(values: list[float | None], known: list[float]) -> bool:
    """No data, or every value known and zero. (Suppressed values next to zeros are still drawn:
    "no data" would be wrong.)"""
    return not values or (len(known) == len(values) and max(known) == 0)


def _empty(
    *, kind: str, chart_id: str, title: str, description: str, empty_text: str, width: float, rtl: bool
) -> SafeString:
    body = []
    text = _clean(empty_text)
    if text:
        body.append(
            _text(_shorten(text, width - 16), class_="chart-empty", x=width / 2, y=28, text_anchor="middle")
        )
    return _svg(
        kind=kind,
        chart_id=chart_id,
        title=title,
        description=description,
        width=width,
        height=44,
        rtl=rtl,
        body=body,
    )


def _datum_title(label: str, text: str) -> str:
    return f"<title>{escape(f'{label}: {text}' if text else label)}</title>"


# --- bar chart ------------------------------------------------------------------------------------


def bar_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    data: Sequence[Datum],
    rtl: bool = False,
    empty_text: str = "",
) -> SafeString:
    """Horizontal bars, one row per category; the chart grows taller with the number of rows."""
    values = _values(data)
    known = [v for v in values if v is not None]
    if _nothing_to_draw(values, known):
        return _empty(
            kind="chart-bars",
            chart_id=chart_id,
            title=title,
            description=description,
            empty_text=empty_text,
            width=BAR_WIDTH,
            rtl=rtl,
        )

    width = BAR_WIDTH
    texts = [_clean(d.text) for d in data]
    labels = [_clean(d.label) for d in data]
    value_w = min(max(max(_text_width(t) for t in texts) + BAR_GAP, 32), 150)
    x0 = BAR_LABEL_W + BAR_GAP
    plot_w = width - x0 - value_w
    rows_h = len(data) * BAR_ROW
    baseline_y = BAR_TOP + rows_h

    def mx(x: float) -> float:
        return width - x if rtl else x

    maximum = max(known, default=0.0)
    body = []
    if maximum > 0:
        integral = all(v == int(v) for v in known)
        for intervals in (5, 4, 3, 2, 1):  # as many ticks as fit side by side under the bars
            top, ticks = _nice_scale(maximum, integral=integral, intervals=intervals)
            widest = max(_text_width(_tick_label(t)) for t in ticks)
            if widest + BAR_GAP <= plot_w / (len(ticks) - 1):
                break
        body.append('<g class="chart-grid">')
        for tick in ticks[1:]:
            x = mx(x0 + float(tick) / top * plot_w)
            body.append(f"<line{_attrs(x1=x, y1=BAR_TOP, x2=x, y2=baseline_y)}/>")
        body.append('</g><g class="chart-ticks">')
        for tick in ticks:
            x = mx(x0 + float(tick) / top * plot_w)
            body.append(_text(_tick_label(tick), x=x, y=baseline_y + FONT + 4, text_anchor="middle"))
        body.append("</g>")
        height = baseline_y + FONT + 10
    else:  # only zeros and suppressed values: rows and markers, no scale to speak of
        top = 1.0
        height = baseline_y + BAR_TOP

    body.append('<g class="chart-data">')
    for i, (label, text, value) in enumerate(zip(labels, texts, values, strict=True)):
        row_y = BAR_TOP + i * BAR_ROW
        bar_y = row_y + (BAR_ROW - BAR_H) / 2
        text_y = row_y + BAR_ROW / 2 + FONT * 0.35
        body.append(f'<g class="chart-datum">{_datum_title(label, text)}')
        if value is None:
            bar_w = BAR_H / 2
            body.append(f'<rect class="chart-suppressed"{_rect(mx, x0, bar_y, bar_w, BAR_H)}/>')
        else:
            bar_w = value / top * plot_w
            body.append(f'<rect class="chart-bar"{_rect(mx, x0, bar_y, bar_w, BAR_H)}/>')
        body.append(
            _text(
                _shorten(label, BAR_LABEL_W),
                class_="chart-label",
                x=mx(BAR_LABEL_W),
                y=text_y,
                text_anchor="end",
            )
        )
        if text:
            body.append(
                _text(text, class_="chart-value", x=mx(x0 + bar_w + 4), y=text_y, text_anchor="start")
            )
        body.append("</g>")
    body.append("</g>")
    body.append(f'<line class="chart-baseline"{_attrs(x1=mx(x0), y1=BAR_TOP, x2=mx(x0), y2=baseline_y)}/>')
    return _svg(
        kind="chart-bars",
        chart_id=chart_id,
        title=title,
        description=description,
        width=width,
        height=height,
        rtl=rtl,
        body=body,
    )


def _rect(mx, x: float, y: float, w: float, h: float) -> str:
    """Attributes of a rectangle starting at ``x`` in LTR coordinates, mirrored by ``mx``."""
    left = min(mx(x), mx(x + w))
    return _attrs(x=left, y=y, width=w, height=h)


# --- column chart ---------------------------------------------------------------------------------


def column_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    data: Sequence[Datum],
    rtl: bool = False,
    empty_text: str = "",
) -> SafeString:
    """Vertical columns for an ordered series (years); in RTL the series runs right to left."""
    values = _values(data)
    known = [v for v in values if v is not None]
    if _nothing_to_draw(values, known):
        return _empty(
            kind="chart-columns",
            chart_id=chart_id,
            title=title,
            description=description,
            empty_text=empty_text,
            width=COL_WIDTH,
            rtl=rtl,
        )

    texts = [_clean(d.text) for d in data]
    labels = [_clean(d.label) for d in data]
    maximum = max(known, default=0.0)
    if maximum > 0:
        top, ticks = _nice_scale(maximum, integral=all(v == int(v) for v in known))
        tick_labels = [_tick_label(t) for t in ticks]
    else:
        top, ticks, tick_labels = 1.0, [], []

    axis_w = max([_text_width(t) for t in tick_labels] + [12.0]) + 10
    slot = max((COL_WIDTH - axis_w - BAR_GAP) / len(data), COL_MIN_SLOT)
    width = axis_w + slot * len(data) + BAR_GAP
    col_w = min(slot * 0.64, COL_MAX_W)

    # Value texts and category labels go sideways when they do not fit above/below their column.
    text_w = max(_text_width(t) for t in texts)
    texts_rotated = text_w > slot - 2
    top_margin = (text_w if texts_rotated else FONT) + 10
    label_w = max(_text_width(label) for label in labels)
    labels_rotated = label_w > slot - 2
    if labels_rotated:
        labels = [_shorten(label, COL_ROTATED_LABEL_MAX) for label in labels]
        label_w = max(_text_width(label) for label in labels)
    else:
        labels = [_shorten(label, slot - 2) for label in labels]
    baseline_y = top_margin + COL_PLOT_H
    height = baseline_y + (label_w if labels_rotated else FONT) + 10

    def mx(x: float) -> float:
        return width - x if rtl else x

    body = []
    if ticks:
        body.append('<g class="chart-grid">')
        for tick in ticks[1:]:
            y = baseline_y - float(tick) / top * COL_PLOT_H
            body.append(f"<line{_attrs(x1=mx(axis_w), y1=y, x2=mx(width - BAR_GAP), y2=y)}/>")
        body.append('</g><g class="chart-ticks">')
        for tick, tick_label in zip(ticks, tick_labels, strict=True):
            y = baseline_y - float(tick) / top * COL_PLOT_H + FONT * 0.35
            body.append(_text(tick_label, x=mx(axis_w - 6), y=y, text_anchor="end"))
        body.append("</g>")

    # Rotated text: rotate(-90) turns the text's line upwards. Its right end is then its top;
    # with direction="rtl" that right end is the "start", so the logical anchor flips.
    up_from_anchor = "end" if rtl else "start"
    down_from_anchor = "start" if rtl else "end"
    body.append('<g class="chart-data">')
    for i, (label, text, value, datum) in enumerate(zip(labels, texts, values, data, strict=True)):
        cx = mx(axis_w + (i + 0.5) * slot)
        body.append(f'<g class="chart-datum">{_datum_title(_clean(datum.label), text)}')
        if value is None:
            col_top = baseline_y - SUPPRESSED_H
            marker = _attrs(x=cx - col_w / 2, y=col_top, width=col_w, height=SUPPRESSED_H)
            body.append(f'<rect class="chart-suppressed"{marker}/>')
        else:
            col_h = value / top * COL_PLOT_H
            col_top = baseline_y - col_h
            body.append(
                f'<rect class="chart-bar"{_attrs(x=cx - col_w / 2, y=col_top, width=col_w, height=col_h)}/>'
            )
        if text:
            if texts_rotated:
                x, y = cx + FONT * 0.35, col_top - 4
                rotate = f"rotate(-90 {_n(x)} {_n(y)})"
                body.append(
                    _text(text, class_="chart-value", x=x, y=y, text_anchor=up_from_anchor, transform=rotate)
                )
            else:
                body.append(_text(text, class_="chart-value", x=cx, y=col_top - 4, text_anchor="middle"))
        if labels_rotated:
            x, y = cx + FONT * 0.35, baseline_y + 6
            rotate = f"rotate(-90 {_n(x)} {_n(y)})"
            body.append(
                _text(label, class_="chart-label", x=x, y=y, text_anchor=down_from_anchor, transform=rotate)
            )
        else:
            body.append(
                _text(label, class_="chart-label", x=cx, y=baseline_y + FONT + 4, text_anchor="middle")
            )
        body.append("</g>")
    body.append("</g>")
    baseline = _attrs(x1=mx(axis_w), y1=baseline_y, x2=mx(width - BAR_GAP), y2=baseline_y)
    body.append(f'<line class="chart-baseline"{baseline}/>')
    return _svg(
        kind="chart-columns",
        chart_id=chart_id,
        title=title,
        description=description,
        width=width,
        height=height,
        rtl=rtl,
        body=body,
    )

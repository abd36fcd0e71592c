"""Certificates of attendance as PDF, drawn from the :class:`Certificate` record on each download.

One A4 landscape page in English, French, Spanish or Arabic; the Arabic page runs right to left.
The fonts ship in ``fonts/`` (DejaVu Sans: Latin, Greek, Cyrillic and Arabic in one family), so
that a clean install needs no system fonts; HarfBuzz (fpdf2's text shaping) joins Arabic letters
and the Unicode bidirectional algorithm orders mixed Arabic and Latin text. Chinese, Japanese and
Korean names are not covered: a font for them is several megabytes.

Nothing is stored: the same record gives the same file, byte for byte.
"""

from __future__ import annotations

import logging
import unicodedata
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from babel import Locale
from babel.dates import format_date
from babel.lists import format_list
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext
from fpdf import FPDF
from fpdf.enums import Align, MethodReturnValue, XPos, YPos

from ipassist.core.i18n import active_language, pick
from ipassist.events.models import Activity, Certificate

logger = logging.getLogger(__name__)

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FAMILY = "DejaVuSans"
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}

CERTIFICATE_LANGUAGES = ("en", "fr", "es", "ar")
RTL_LANGUAGES = frozenset({"ar"})
# Babel locales for dates. International organisations write "23-25 September 2014" in English
# too (day first, with an en dash), which is CLDR's British English, not its American default.
DATE_LOCALES = {"en": "en_GB", "fr": "fr", "es": "es", "ar": "ar"}

# Page geometry in millimetres (A4 landscape: 297 by 210).
FRAME_OUTER = 10
FRAME_INNER = 13
SIDE_MARGIN = 30
TOP = 26
FOOTER_TOP = 174
LINE_SPACING = 1.3
# How far the type may shrink for very long names or titles before the page gives up fitting.
SCALES = (1.0, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4)
MIN_SIZE = 10  # points: the running text stays legible whatever the name and title
PT = 25.4 / 72  # one point in millimetres
EN_DASH = "\u2013"

ACCENT = (31, 58, 95)  # dark blue: prints well in colour and in grey
TEXT = (33, 33, 33)
MUTED = (100, 100, 100)


@dataclass(frozen=True)
class Line:
    """One centred paragraph of the certificate body; sizes in points, space before in mm."""

    text: str
    size: float
    bold: bool = False
    colour: tuple[int, int, int] = TEXT
    space_before: float = 0


def render_certificate(certificate: Certificate, *, language: str | None = None) -> bytes:
    """The certificate as a PDF document in ``language`` (default: the active one, else English)."""
    lang = language or active_language()
    if lang not in CERTIFICATE_LANGUAGES:
        if language:
            raise ValueError(f"No certificate in language {language!r}.")
        lang = "en"
    with translation.override(lang):
        return _draw(certificate, lang)


def format_dates(start: date, end: date, lang: str) -> str:
    """``23-25 September 2014``, ``30 septembre - 2 octobre 2014`` (en dashes) as the language writes it."""
    locale = DATE_LOCALES.get(lang, lang)
    if start == end:
        return format_date(start, "long", locale=locale)
    if start.year != end.year:
        field = "y"
    elif start.month != end.month:
        field = "M"
    else:
        field = "d"
    # A certificate spells months out; where CLDR has interval patterns for abbreviated months
    # only (most languages), their months are spelled out here.
    formats = Locale.parse(locale).interval_formats
    parts = (formats.get("yMMMMd") or formats.get("yMMMd") or {}).get(field)
    if not parts or len(parts) != 2:  # no interval pattern: both dates in full, with a dash between
        return (
            f"{format_date(start, 'long', locale=locale)} {EN_DASH} {format_date(end, 'long', locale=locale)}"
        )
    first, second = (_full_months(pattern) for pattern in parts)
    return format_date(start, first, locale=locale) + format_date(end, second, locale=locale)


def _full_months(pattern: str) -> str:
    # "d MMM y" → "d MMMM y"; "LLL" (stand-alone month) likewise; quoted literals are left alone.
    out, quoted, i = [], False, 0
    while i < len(pattern):
        char = pattern[i]
        if char == "'":
            quoted = not quoted
        if not quoted and char in "ML":
            run = len(pattern[i:]) - len(pattern[i:].lstrip(char))
            out.append(char * (4 if run == 3 else run))
            i += run
            continue
        out.append(char)
        i += 1
    return "".join(out)


def _body(certificate: Certificate, lang: str) -> list[Line]:
    participant = certificate.participant
    activity: Activity = participant.activity
    provider = activity.provider.name
    partners = [organisation.name for organisation in activity.co_organisers.all()]
    if partners:
        organised = gettext("%(type)s organised by %(provider)s in cooperation with %(partners)s") % {
            "type": activity.kind.label,
            "provider": provider,
            "partners": format_list(partners, locale=DATE_LOCALES[lang]),
        }
    else:
        organised = gettext("%(type)s organised by %(provider)s") % {
            "type": activity.kind.label,
            "provider": provider,
        }
    dates = format_dates(activity.start_date, activity.end_date, lang)
    place = activity.place
    total = len(activity.days)
    return [
        Line(provider, 16, bold=True, colour=ACCENT),
        Line(gettext("Certificate of attendance"), 30, bold=True, colour=ACCENT, space_before=8),
        Line(gettext("This is to certify that"), 13, space_before=10),
        Line(participant.full_name, 28, bold=True, space_before=4),
        Line(
            gettext("%(organisation)s, %(country)s")
            % {"organisation": participant.organisation_name, "country": participant.country.name},
            13,
            space_before=2,
        ),
        Line(gettext("attended"), 13, space_before=7),
        Line(pick(activity, "title", lang), 19, bold=True, colour=ACCENT, space_before=3),
        Line(organised, 12, space_before=3),
        Line(gettext("%(place)s, %(dates)s") % {"place": place, "dates": dates} if place else dates, 12),
        Line(
            ngettext(
                "Attendance: %(attended)d of %(total)d day",
                "Attendance: %(attended)d of %(total)d days",
                total,
            )
            % {"attended": certificate.days_attended, "total": total},
            12,
            space_before=5,
        ),
    ]


def _draw(certificate: Certificate, lang: str) -> bytes:
    activity = certificate.participant.activity
    issued_at = timezone.localtime(certificate.issued_at or timezone.now())
    number = gettext("Certificate no. %(number)s") % {"number": certificate.number}
    issued = gettext("Issued on %(date)s") % {
        "date": format_date(issued_at.date(), "long", locale=DATE_LOCALES[lang])
    }
    verify = gettext("To verify this certificate, write to %(provider)s quoting its number %(number)s.") % {
        "provider": activity.provider.name,
        "number": certificate.number,
    }

    pdf = FPDF(orientation="landscape", unit="mm", format="A4")
    for style, name in FONT_FILES.items():
        pdf.add_font(FAMILY, style, FONT_DIR / name)
    pdf.set_text_shaping(use_shaping_engine=True, direction="rtl" if lang in RTL_LANGUAGES else "ltr")
    # Only what the page prints: the document title holds the certificate number, no name.
    pdf.set_title(gettext("Certificate of attendance no. %(number)s") % {"number": certificate.number})
    pdf.set_subject(pick(activity, "title", lang))
    pdf.set_author(activity.provider.name)
    pdf.set_creator("ipassist")
    pdf.set_lang(lang)
    pdf.set_creation_date(issued_at)
    pdf.set_margins(SIDE_MARGIN, TOP, SIDE_MARGIN)
    # A page break would mean the body did not fit; _layout shrinks the type so that it does.
    pdf.set_auto_page_break(True, margin=pdf.h - FOOTER_TOP)
    pdf.add_page()

    body = _body(certificate, lang)
    missing = _missing_glyphs(
        pdf, [(line.text, line.bold) for line in body] + [(number + issued + verify, False)]
    )
    if missing:
        # Not the characters themselves: they would put (part of) a name in the log.
        logger.warning(
            "Certificate %s: %d character(s) have no glyph in the certificate fonts and print as boxes.",
            certificate.number,
            len(missing),
        )

    _frame(pdf)
    lines = _layout(pdf, body)
    height = sum(_height(pdf, line) for line in lines)
    pdf.set_y(TOP + max(0, (FOOTER_TOP - TOP - height) / 2))
    for line in lines:
        pdf.set_y(pdf.get_y() + line.space_before)
        _write(pdf, line)

    pdf.set_auto_page_break(False)
    # The page's start is on the right in a right-to-left language.
    start, end = (issued, number) if lang in RTL_LANGUAGES else (number, issued)
    pdf.set_font(FAMILY, "", 10)
    pdf.set_text_color(*TEXT)
    width = (pdf.w - 2 * SIDE_MARGIN) / 2
    pdf.set_xy(SIDE_MARGIN, FOOTER_TOP + 2)
    pdf.cell(width, 6, start, align=Align.L)
    pdf.cell(width, 6, end, align=Align.R)
    pdf.set_draw_color(*ACCENT)
    pdf.set_line_width(0.2)
    pdf.line(SIDE_MARGIN, FOOTER_TOP + 10, pdf.w - SIDE_MARGIN, FOOTER_TOP + 10)
    pdf.set_xy(SIDE_MARGIN, FOOTER_TOP + 12)
    pdf.set_font(FAMILY, "", 8.5)
    pdf.set_text_color(*MUTED)
    pdf.multi_cell(0, 4, verify, align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return bytes(pdf.output())


def _missing_glyphs(pdf: FPDF, texts: list[tuple[str, bool]]) -> set[str]:
    """Characters the fonts cannot draw. fpdf2 does not report them once text shaping is on."""
    missing = set()
    for text, bold in texts:
        cmap = pdf.fonts[FAMILY.lower() + ("B" if bold else "")].cmap
        # Controls and format characters (bidi marks, joiners) need no glyph.
        missing.update(c for c in text if ord(c) not in cmap and unicodedata.category(c) not in {"Cc", "Cf"})
    return missing


def _frame(pdf: FPDF) -> None:
    pdf.set_draw_color(*ACCENT)
    pdf.set_line_width(0.8)
    pdf.rect(FRAME_OUTER, FRAME_OUTER, pdf.w - 2 * FRAME_OUTER, pdf.h - 2 * FRAME_OUTER)
    pdf.set_line_width(0.25)
    pdf.rect(FRAME_INNER, FRAME_INNER, pdf.w - 2 * FRAME_INNER, pdf.h - 2 * FRAME_INNER)


def _layout(pdf: FPDF, lines: list[Line]) -> list[Line]:
    """The body at the largest scale that fits above the footer (very long names and titles)."""
    room = FOOTER_TOP - TOP
    for scale in SCALES:
        scaled = [
            replace(
                line,
                size=max(line.size * scale, min(line.size, MIN_SIZE)),
                space_before=line.space_before * scale,
            )
            for line in lines
        ]
        if sum(_height(pdf, line) for line in scaled) <= room:
            return scaled
    return scaled


def _height(pdf: FPDF, line: Line) -> float:
    pdf.set_font(FAMILY, "B" if line.bold else "", line.size)
    lines = pdf.multi_cell(
        0, line.size * PT * LINE_SPACING, line.text, dry_run=True, output=MethodReturnValue.LINES
    )
    return line.space_before + len(lines) * line.size * PT * LINE_SPACING


def _write(pdf: FPDF, line: Line) -> None:
    pdf.set_font(FAMILY, "B" if line.bold else "", line.size)
    pdf.set_text_color(*line.colour)
    pdf.multi_cell(
        0,
        line.size * PT * LINE_SPACING,
        line.text,
        align=Align.C,
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )

"""Tables for download, as CSV or XLSX: streamed or spooled, and safe to open in a spreadsheet.

Every list export goes through :func:`table_response`: the view gives a header (already in the
interface language) and an iterable of rows (plain values: ``str``, numbers, dates, ``None``), and
gets a response in the format asked for.

- CSV is UTF-8 with a byte-order mark (Excel needs it to read Arabic and other non-Latin text), and
  is streamed: rows are read from the database while the file goes out.
- XLSX is written by openpyxl in write-only mode to a spooled temporary file (on disk past a few
  megabytes), then sent: a bold, frozen header row with a filter, column widths from the first
  rows, dates as dates and numbers as numbers, right to left when the interface language is.
- Text never becomes a formula. In CSV a cell starting with ``= + - @``, a tab or a carriage
  return gets a leading apostrophe (what a spreadsheet shows as text). In XLSX every text is a
  text cell (openpyxl would otherwise turn ``"=…"`` into a formula and ``"#N/A"`` into an error),
  and those starting with such a character also get Excel's quote prefix, so that editing the
  cell keeps it text.

URLs: each export answers at ``<stem>.csv`` and ``<stem>.xlsx`` under one URL name, from
:func:`export_urls`: ``reverse(name)`` is the CSV (the URLs that existed before stay as they
were) and ``reverse(name, kwargs={"fmt": "xlsx"})`` the workbook. The view takes ``fmt="csv"``.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal
from itertools import chain, islice

from django.http import FileResponse, StreamingHttpResponse
from django.urls import URLPattern, path, register_converter
from django.utils import timezone, translation
from django.utils.http import content_disposition_header

FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# What spreadsheets read as the start of a formula (a tab or CR can hide one behind whitespace).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_BATCH = 500  # rows per streamed chunk
WIDTH_SAMPLE = 200  # rows read ahead to size the XLSX columns
SPOOL_BYTES = 8 * 1024 * 1024  # an XLSX up to this size stays in memory, larger ones go to disk
MAX_WIDTH = 60
# Characters that XML 1.0 (and so XLSX) cannot carry; openpyxl refuses a cell that has one.
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_SHEET_TITLE_FORBIDDEN = re.compile(r"[\\*?:/\[\]]")


class ExportFormat:
    """Path converter for the format suffix: ``csv`` or ``xlsx``."""

    regex = "csv|xlsx"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        if value not in FORMATS:
            raise ValueError(value)
        return value


register_converter(ExportFormat, "export_format")


def export_urls(stem: str, view: Callable, *, name: str) -> list[URLPattern]:
    """``<stem>.csv`` and ``<stem>.xlsx`` for ``view(request, …, fmt="csv")``, under one name.

    ``reverse(name, args=…)`` gives the CSV (the first pattern has no ``fmt``), and
    ``reverse(name, kwargs={…, "fmt": "xlsx"})`` the workbook.
    """
    return [
        path(f"{stem}.csv", view, name=name),
        path(f"{stem}.<export_format:fmt>", view, name=name),
    ]


def csv_cell(value) -> str:
    """Spreadsheets run cells that start with = + - @ as formulas: quote those."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in FORMULA_STARTS else text


class Echo:
    """A file-like object whose write returns the line, for streaming csv.writer output."""

    def write(self, value: str) -> str:
        return value


def _naive_local(value: dt.datetime, tz) -> dt.datetime:
    """Spreadsheets have no time zones: an aware moment is written in local time."""
    if timezone.is_aware(value):
        return timezone.localtime(value, tz).replace(tzinfo=None)
    return value


def _is_number(value) -> bool:
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


def csv_value(value, tz=None) -> str:
    """One CSV field: numbers as they are, dates in ISO 8601, text neutralised (:func:`csv_cell`)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"  # what spreadsheets write, and read back as booleans
    if _is_number(value):
        return str(value) if not isinstance(value, float) or math.isfinite(value) else ""
    if isinstance(value, dt.datetime):
        return _naive_local(value, tz).isoformat(sep=" ", timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    return csv_cell(value)


def _csv_chunks(header: list[str], rows: Iterable[Sequence], language, tz) -> Iterator[str]:
    writer = csv.writer(Echo())
    yield "\ufeff" + writer.writerow([csv_value(h, tz) for h in header])  # the BOM, for Excel
    rows = iter(rows)
    while True:
        # Rows are read while the response streams, after the view returned: keep its language
        # (country and organisation names, labels) for each batch, and only for the batch.
        with translation.override(language):
            lines = [writer.writerow([csv_value(v, tz) for v in row]) for row in islice(rows, CSV_BATCH)]
        if not lines:
            return
        yield "".join(lines)


def _xlsx_converter(sheet, tz) -> Callable:
    """A function from a value to what openpyxl writes as the same type: text stays text,
    whatever it starts with."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ERROR_CODES

    def text_cell(text: str):
        text = _ILLEGAL_XML.sub("", text)[:32767]
        if text[:1] not in FORMULA_STARTS and text not in ERROR_CODES:
            return text  # openpyxl infers a text cell
        cell = WriteOnlyCell(sheet, value=text)
        cell.data_type = "s"  # not "f" (formula) nor "e" (error), as openpyxl would infer
        if text[:1] in FORMULA_STARTS:
            cell.quotePrefix = True  # Excel keeps it text when the cell is edited
        return cell

    def convert(value):
        if type(value) is str:  # the common case first
            return text_cell(value)
        if value is None or isinstance(value, bool):
            return value
        if isinstance(value, dt.datetime):
            return _naive_local(value, tz)
        if isinstance(value, dt.date):
            return value
        if _is_number(value):
            return value if not isinstance(value, float) or math.isfinite(value) else None
        return text_cell(str(value))

    return convert


def _display_width(value) -> int:
    if value is None:
        return 0
    if isinstance(value, dt.datetime):
        return 19
    if isinstance(value, dt.date):
        return 10
    longest = max(str(value).splitlines() or [""], key=len)
    return len(longest)


def _column_widths(header: Sequence[str], sample: list[Sequence]) -> list[float]:
    widths = [len(h) for h in header]
    for row in sample:
        for index, value in enumerate(row[: len(widths)]):
            widths[index] = max(widths[index], _display_width(value))
    return [min(max(w, 6), MAX_WIDTH) + 2 for w in widths]


def _sheet_title(title: str) -> str:
    return (_SHEET_TITLE_FORBIDDEN.sub(" ", title).strip() or "Sheet")[:31]


def xlsx_file(*, header: Sequence[str], rows: Iterable[Sequence], title: str, rtl: bool = False):
    """The workbook in a spooled temporary file, at position 0; the caller closes it."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    tz = timezone.get_current_timezone()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_sheet_title(title))
    rows = iter(rows)
    sample = list(islice(rows, WIDTH_SAMPLE))
    # Column widths and the frozen pane go before the first row: write-only sheets stream.
    for index, width in enumerate(_column_widths(header, sample), 1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    if rtl:
        sheet.sheet_view.rightToLeft = True
    bold = Font(bold=True)
    header_cells = []
    for text in header:
        cell = WriteOnlyCell(sheet, value=_ILLEGAL_XML.sub("", text))
        cell.data_type = "s"
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    convert = _xlsx_converter(sheet, tz)
    count = 0
    for row in chain(sample, rows):
        sheet.append([convert(value) for value in row])
        count += 1
    if header:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{count + 1}"
    # Not a with-block: the response reads the file, then closes it.
    out = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115
    try:
        workbook.save(out)
    except BaseException:
        out.close()
        raise
    out.seek(0)
    return out


def table_response(
    *,
    fmt: str,
    filename: str,
    header: Sequence[str],
    rows: Iterable[Sequence],
    title: str | None = None,
) -> StreamingHttpResponse:
    """A table as a download: ``fmt`` is ``"csv"`` or ``"xlsx"``; ``filename`` has no extension.

    ``header`` is translated by the caller (lazy strings are read now, in the active language);
    ``rows`` is any iterable of sequences, read once, lazily for CSV (keep it a generator over
    ``queryset.iterator()`` for big tables). ``title`` names the XLSX sheet (default: filename).
    """
    if fmt not in FORMATS:
        raise ValueError(f"Unknown export format: {fmt!r}")
    header = [str(h) for h in header]
    download = f"{filename}.{fmt}"
    if fmt == "csv":
        response = StreamingHttpResponse(
            _csv_chunks(header, rows, translation.get_language(), timezone.get_current_timezone()),
            content_type=CONTENT_TYPES["csv"],
        )
        response["Content-Disposition"] = content_disposition_header(True, download)
    else:
        workbook = xlsx_file(
            header=header,
            rows=rows,
            title=str(title or filename),
            rtl=translation.get_language_bidi(),
        )
        response = FileResponse(
            workbook, as_attachment=True, filename=download, content_type=CONTENT_TYPES["xlsx"]
        )
    # Exports may hold confidential or personal data: no copy in any cache.
    response["Cache-Control"] = "no-store"
    return response

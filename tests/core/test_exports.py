"""The export helper: CSV and XLSX from one header and rows; text never becomes a formula."""

import datetime as dt
import io
import zipfile
import zoneinfo
from decimal import Decimal

import openpyxl
import pytest
from django.http import StreamingHttpResponse
from django.urls import NoReverseMatch, resolve, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ipassist.core.exports import csv_value, table_response
from tests.exports import as_csv, content, csv_rows, workbook, xlsx_rows

HOSTILE = [
    '=HYPERLINK("http://evil.example","click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


def test_csv_has_bom_header_and_plain_values():
    response = table_response(
        fmt="csv",
        filename="things",
        header=["Name", "Count", "Share", "Amount", "Day", "Empty", "Flag"],
        rows=[["Ünïcödé", 3, 0.25, Decimal("2.50"), dt.date(2026, 1, 31), None, True]],
    )
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="things.csv"'
    assert response["Cache-Control"] == "no-store"
    assert csv_rows(response) == [
        ["Name", "Count", "Share", "Amount", "Day", "Empty", "Flag"],
        ["Ünïcödé", "3", "0.25", "2.50", "2026-01-31", "", "TRUE"],
    ]


def test_csv_writes_aware_moments_in_local_time():
    moment = dt.datetime(2026, 3, 1, 23, 30, tzinfo=dt.UTC)
    with timezone.override(zoneinfo.ZoneInfo("Asia/Tokyo")):
        response = table_response(fmt="csv", filename="t", header=["When"], rows=[[moment]])
        rows = csv_rows(response)
    assert rows[1] == ["2026-03-02 08:30:00"]


@pytest.mark.parametrize("text", HOSTILE)
def test_csv_neutralises_formulas(text):
    rows = csv_rows(table_response(fmt="csv", filename="t", header=["Cell"], rows=[[text]]))
    assert rows[1] == ["'" + text]


def test_csv_numbers_are_not_text():
    """A negative number is a number, not a formula; the same characters as text are quoted."""
    rows = csv_rows(table_response(fmt="csv", filename="t", header=["A", "B"], rows=[[-3, "-3"]]))
    assert rows[1] == ["-3", "'-3"]


def test_csv_is_streamed_and_keeps_the_language_of_the_request():
    """Rows are read while the response is sent, in the language the view had."""
    read = []

    def rows():
        for n in range(3):
            read.append(n)
            yield [gettext_lazy("Country"), n]

    with translation.override("fr"):
        response = table_response(fmt="csv", filename="t", header=[_("Reference")], rows=rows())
    assert read == []  # nothing read before the response is sent
    with translation.override("en"):
        result = csv_rows(response)
    assert read == [0, 1, 2]
    assert result[0] == ["Référence"]
    assert result[1:] == [["Pays", "0"], ["Pays", "1"], ["Pays", "2"]]


def test_xlsx_types_and_layout():
    moment = dt.datetime(2026, 3, 1, 9, 15, tzinfo=dt.UTC)
    response = table_response(
        fmt="xlsx",
        filename="things",
        title="Things: [all]",
        header=["Name", "Count", "Share", "Day", "When", "Empty", "Flag"],
        rows=[["Nairobi", 3, 0.25, dt.date(2026, 1, 31), moment, None, False], ["Lima", 12, 1.5, None, None]],
    )
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == 'attachment; filename="things.xlsx"'
    assert response["Cache-Control"] == "no-store"
    sheet = workbook(response).active
    assert sheet.title == "Things   all"  # characters a sheet name may not have are replaced
    assert [c.value for c in sheet[1]] == ["Name", "Count", "Share", "Day", "When", "Empty", "Flag"]
    assert all(c.font.b for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:G3"
    name, count, share, day, when, empty, flag = sheet[2]
    assert (name.value, name.data_type) == ("Nairobi", "s")
    assert (count.value, count.data_type) == (3, "n")
    assert (share.value, share.data_type) == (0.25, "n")
    assert day.is_date and day.value == dt.datetime(2026, 1, 31)
    assert when.is_date and when.value == dt.datetime(2026, 3, 1, 9, 15)  # UTC is the local time here
    assert empty.value is None
    assert (flag.value, flag.data_type) == (False, "b")
    assert not sheet.sheet_view.rightToLeft
    # a long column is wider than a short one, within bounds
    assert sheet.column_dimensions["A"].width < sheet.column_dimensions["E"].width <= 62


@pytest.mark.parametrize("text", [*HOSTILE, "=", "#N/A", "#DIV/0!"])
def test_xlsx_text_never_becomes_a_formula(text):
    data = content(table_response(fmt="xlsx", filename="t", header=["Cell"], rows=[[text]]))
    cell = openpyxl.load_workbook(io.BytesIO(data)).active["A2"]
    assert cell.data_type == "s"
    assert cell.value == text  # kept exactly: the cell type, not an apostrophe, makes it text
    if text[:1] in "=+-@\t\r":
        assert cell.quotePrefix  # and Excel keeps it text when someone edits it
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet_xml and b't="inlineStr"' in sheet_xml


UNICODE = ["القاهرة — محكمة الاستئناف", "Bogotá", "Hà Nội", "😀 ✓", "北京"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_unicode_round_trips(fmt):
    response = table_response(fmt=fmt, filename="t", header=["المدينة"], rows=[[text] for text in UNICODE])
    rows = csv_rows(response) if fmt == "csv" else xlsx_rows(response)
    assert [row[0] for row in rows] == ["المدينة", *UNICODE]


def test_xlsx_drops_characters_xml_cannot_carry():
    response = table_response(fmt="xlsx", filename="t", header=["A"], rows=[["tab\there, vt\x0bgone\x00"]])
    assert xlsx_rows(response)[1] == ["tab\there, vtgone"]


def test_xlsx_is_right_to_left_in_arabic():
    with translation.override("ar"):
        response = table_response(fmt="xlsx", filename="t", header=[_("Reference")], rows=[["1"]])
    sheet = workbook(response).active
    assert sheet.sheet_view.rightToLeft
    assert sheet["A1"].value == "المرجع"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_header_in_the_interface_language(fmt):
    with translation.override("fr"):
        response = table_response(
            fmt=fmt, filename="t", header=[_("Reference"), gettext_lazy("Family name")], rows=[]
        )
    rows = csv_rows(response) if fmt == "csv" else xlsx_rows(response)
    assert rows == [["Référence", "Nom de famille"]]


def test_both_formats_carry_the_same_rows():
    rows = [
        ["Odhiambo", 2, dt.date(2026, 5, 4), None, "=1+1"],
        ["Gómez", 0, dt.date(2026, 5, 5), "Lima", "-x"],
    ] * 600  # more than one CSV chunk and more than the XLSX width sample
    header = ["Name", "Days", "Day", "City", "Note"]
    from_csv = csv_rows(table_response(fmt="csv", filename="t", header=header, rows=iter(rows)))
    from_xlsx = as_csv(xlsx_rows(table_response(fmt="xlsx", filename="t", header=header, rows=iter(rows))))
    assert len(from_csv) == len(rows) + 1
    assert from_xlsx == from_csv


def test_unknown_format_is_refused():
    with pytest.raises(ValueError, match="pdf"):
        table_response(fmt="pdf", filename="t", header=["A"], rows=[])


def test_csv_value_of_non_finite_numbers_is_empty():
    assert csv_value(float("nan")) == "" and csv_value(float("inf")) == ""


# --- the URL scheme: <stem>.csv and <stem>.xlsx under one name ---------------------------------------


def test_export_urls():
    assert reverse("casework:export") == "/en/requests/export.csv"  # unchanged
    assert reverse("casework:export", kwargs={"fmt": "xlsx"}) == "/en/requests/export.xlsx"
    assert reverse("events:participants_export", args=[7]) == "/en/events/7/participants.csv"
    assert (
        reverse("events:participants_export", kwargs={"pk": 7, "fmt": "xlsx"})
        == "/en/events/7/participants.xlsx"
    )
    assert resolve("/en/catalogue/export.xlsx").kwargs == {"fmt": "xlsx"}
    assert resolve("/en/catalogue/export.csv").kwargs == {}
    with pytest.raises(NoReverseMatch):
        reverse("casework:export", kwargs={"fmt": "pdf"})


@pytest.mark.parametrize(
    "url", ["/en/requests/export.pdf", "/en/events/export.json", "/en/catalogue/export."]
)
def test_other_formats_are_not_found(client_as, url):
    assert client_as("officer").get(url).status_code == 404

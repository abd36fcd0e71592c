"""Reading back what ``ipassist.core.exports.table_response`` sent, for the export tests."""

import csv
import datetime as dt
import io

import openpyxl

from ipassist.core.exports import csv_value


def content(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def csv_rows(response) -> list[list[str]]:
    """Every row, header first; the file must start with the UTF-8 byte-order mark."""
    data = content(response)
    assert data.startswith(b"\xef\xbb\xbf"), "CSV without the BOM that Excel needs for UTF-8"
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def workbook(response):
    return openpyxl.load_workbook(io.BytesIO(content(response)))


def xlsx_rows(response) -> list[list]:
    """Every row of the first sheet as openpyxl reads it (empty cells are None)."""
    return [list(row) for row in workbook(response).active.iter_rows(values_only=True)]


def as_csv(rows: list[list]) -> list[list[str]]:
    """XLSX values written the way the CSV writes them (a date comes back from XLSX as a
    datetime at midnight), to compare the two formats of one export row by row."""

    def one(value):
        if isinstance(value, dt.datetime) and value.time() == dt.time(0):
            value = value.date()
        return csv_value(value)

    return [[one(value) for value in row] for row in rows]

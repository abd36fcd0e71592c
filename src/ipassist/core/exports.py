"""Helpers for CSV exports: streamed, and safe to open in a spreadsheet."""

from __future__ import annotations


def csv_cell(value) -> str:
    """Spreadsheets run cells that start with = + - @ as formulas: quote those."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


class Echo:
    """A file-like object whose write returns the line, for streaming csv.writer output."""

    def write(self, value: str) -> str:
        return value

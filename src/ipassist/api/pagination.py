"""Pagination of every list: ``limit`` (default 50; more than 100 is read as 100) and ``offset``.

A page answers ``{"count", "limit", "offset", "next", "previous", "results"}``; ``next`` and
``previous`` are the path and query of the neighbouring pages (null at either end).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema

DEFAULT_LIMIT = 50
MAX_LIMIT = 100
MAX_OFFSET = 1_000_000


class ListParams(Schema):
    limit: int = Field(
        DEFAULT_LIMIT, ge=1, description=f"Rows per page; larger values are read as {MAX_LIMIT}."
    )
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="How many rows to skip.")


class Page(Schema):
    count: int = Field(description="Rows matching the filters, on all pages.")
    limit: int
    offset: int
    next: str | None = Field(description="Path and query of the next page; null on the last.")
    previous: str | None = Field(description="Path and query of the previous page; null on the first.")


def _link(request: HttpRequest, limit: int, offset: int) -> str:
    query = request.GET.copy()
    query["limit"] = str(limit)
    query["offset"] = str(offset)
    return f"{request.path}?{query.urlencode()}"


def paginate(request: HttpRequest, rows: QuerySet | list, params: ListParams, convert=None) -> dict[str, Any]:
    """One page of ``rows`` (a queryset or a list), with its links; ``convert`` maps each row."""
    limit = min(params.limit, MAX_LIMIT)
    offset = params.offset
    count = rows.count() if isinstance(rows, QuerySet) else len(rows)
    results = list(rows[offset : offset + limit])
    if convert is not None:
        results = [convert(row) for row in results]
    return {
        "count": count,
        "limit": limit,
        "offset": offset,
        "next": _link(request, limit, offset + limit) if offset + limit < count else None,
        "previous": _link(request, limit, max(0, offset - limit)) if offset > 0 else None,
        "results": results,
    }

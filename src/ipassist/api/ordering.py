"""``ordering``: a declared set of values per list, each mapped to database columns.

A leading "-" sorts descending; empty values come last either way; the row id breaks ties so that
pages never overlap or skip a row.
"""

from __future__ import annotations

from django.db.models import F, QuerySet


def order(qs: QuerySet, ordering: str, columns: dict[str, str | tuple[str, ...]]) -> QuerySet:
    descending = ordering.startswith("-")
    names = columns[ordering.removeprefix("-")]
    names = (names,) if isinstance(names, str) else names
    if descending:
        return qs.order_by(*(F(n).desc(nulls_last=True) for n in names), "-pk")
    return qs.order_by(*(F(n).asc(nulls_last=True) for n in names), "pk")

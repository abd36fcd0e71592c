"""Statistics: the aggregates of the public statistics page for everyone, and those of an officer's
dashboard (``/reports``) for officers, with the same filters, suppression and caching
(``ipassist.reports``)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from django.http import QueryDict
from ninja import Field, Query, Router, Schema

from ipassist.api.auth import PUBLIC, PUBLIC_SECURITY
from ipassist.api.errors import READ_ERRORS, ApiError
from ipassist.api.schemas import Text
from ipassist.core.access import deny
from ipassist.reports import access, statistics
from ipassist.reports.access import Scope
from ipassist.reports.forms import ReportFilterForm

router = Router(tags=["Statistics"])

Name = Literal[tuple(statistics.AGGREGATES)]  # type: ignore[valid-type]


class StatisticsFilters(Schema):
    date_from: date | None = Field(None, description="Activities starting (requests submitted) on or after.")
    date_to: date | None = Field(None, description="Activities starting (requests submitted) on or before.")
    provider: Text = Field(
        None, max_length=80, description="Provider organisation (slug), lead or co-organiser."
    )
    programme: Text = Field(None, max_length=100, description="Catalogue programme (slug).")
    region: Text = Field(
        None, max_length=3, description="UN M49 code of a region, sub-region or intermediate region."
    )
    grouping: int | None = Field(None, ge=1, description="A provider's own regional grouping (id).")
    country: Text = Field(None, max_length=2, description="ISO 3166-1 alpha-2 code.")
    topic: Text = Field(None, max_length=64, description="Topic (term code).")


class RowOut(Schema):
    key: str | None = Field(description="The category's code (null: not stated, or no venue country).")
    label: str
    count: int | None = Field(description="Null where suppressed: fewer than 5 people.")
    suppressed: bool
    values: list[float | None] = Field(description="Further columns, as named in `columns`.")


class AggregateOut(Schema):
    name: str
    group: Literal["activities", "participants", "requests"]
    title: str
    description: str
    columns: list[str]
    total: int | None = Field(
        description="Null where it would reveal a small number of people, or for overlaps."
    )
    rows: list[RowOut]


class AggregateInfo(Schema):
    name: str
    group: str
    title: str
    url: str


def _filters(scope: Scope, params: StatisticsFilters) -> statistics.Filters:
    query = QueryDict(mutable=True)
    for name, value in params.dict(exclude_none=True).items():
        query[name] = str(value)
    form = ReportFilterForm(query, scope=scope)
    filters = form.filters()
    if form.ignored:
        details = [
            {"location": "query", "field": name, "message": " ".join(str(e) for e in form.errors[name])}
            for name in form.ignored
        ]
        message = "; ".join(f"{d['field']}: {d['message']}" for d in details)
        raise ApiError(400, "invalid_filter", message, details)
    return filters


def _aggregate(scope: Scope, name: str, params: StatisticsFilters) -> dict:
    filters = _filters(scope, params)
    aggregate = statistics.AGGREGATES.get(name)
    if aggregate is None or aggregate not in statistics.available(scope):
        deny()
    table = statistics.table(scope, aggregate, filters)
    return {
        "name": aggregate.name,
        "group": aggregate.group,
        "title": str(aggregate.title),
        "description": str(aggregate.description),
        "columns": [str(c) for c in aggregate.columns],
        "total": table.total,
        "rows": [
            {
                "key": None if row.key in (None, "") else str(row.key),
                "label": row.label,
                "count": row.count,
                "suppressed": row.count is None,
                "values": list(row.values),
            }
            for row in table.rows
        ],
    }


def _index(scope: Scope, prefix: str) -> list[dict]:
    return [
        {"name": a.name, "group": a.group, "title": str(a.title), "url": f"/api/{prefix}/{a.name}"}
        for a in statistics.available(scope)
    ]


@router.get(
    "/statistics",
    response={200: list[AggregateInfo], **READ_ERRORS},
    auth=PUBLIC,
    openapi_extra=PUBLIC_SECURITY,
)
def list_statistics(request):
    """The aggregates of the public statistics."""
    return _index(access.public_scope(), "statistics")


@router.get(
    "/statistics/{name}",
    response={200: AggregateOut, **READ_ERRORS},
    auth=PUBLIC,
    openapi_extra=PUBLIC_SECURITY,
)
def get_statistics(request, name: Name, filters: Query[StatisticsFilters]):
    """One aggregate over the public register; counts of people under 5 are null and `suppressed`."""
    return _aggregate(access.public_scope(), name, filters)


@router.get("/reports", response={200: list[AggregateInfo], **READ_ERRORS})
def list_reports(request):
    """The aggregates of the caller's dashboard (officers only; anyone else 404)."""
    return _index(access.dashboard_scope(request.auth.user), "reports")


@router.get("/reports/{name}", response={200: AggregateOut, **READ_ERRORS})
def get_report(request, name: Name, filters: Query[StatisticsFilters]):
    """One aggregate over what the caller's organisations organise and the requests addressed to
    them, exact (officers only; anyone else 404)."""
    return _aggregate(access.dashboard_scope(request.auth.user), name, filters)

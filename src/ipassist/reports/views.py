"""The officers' dashboard and the public statistics: every aggregate as an SVG chart with its data
table beside it and the same data as CSV or XLSX."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ipassist.core import versions
from ipassist.core.exports import table_response
from ipassist.reports import access, charts, statistics
from ipassist.reports.access import SMALL_CELL, Scope
from ipassist.reports.forms import ReportFilterForm

#: Categories a bar chart draws; the table beside it and the downloads have them all.
CHART_ROWS = 15


@dataclass
class Figure:
    table: statistics.Table
    chart: str
    truncated: bool
    rows: list[tuple[str, str, list[str]]]  # label, count, further values: as the page shows them
    total: str

    @property
    def aggregate(self) -> statistics.Aggregate:
        return self.table.aggregate


def _number(value) -> str:
    if isinstance(value, float):
        return number_format(value, decimal_pos=1, use_l10n=True, force_grouping=True)
    return number_format(value, use_l10n=True, force_grouping=True)


def _figure(table: statistics.Table) -> Figure:
    aggregate = table.aggregate
    rows = table.rows
    drawn = rows[:CHART_ROWS] if aggregate.chart == "bar" else rows
    data = []
    for row in drawn:
        value = row.count if aggregate.charted is None else row.values[aggregate.charted]
        text = _count(value) if aggregate.charted is None else "" if value is None else _number(value)
        data.append(charts.Datum(label=row.label, value=value, text=text))
    draw = charts.bar_chart if aggregate.chart == "bar" else charts.column_chart
    svg = draw(
        chart_id=f"chart-{aggregate.name}",
        title=str(aggregate.title),
        description=str(aggregate.description),
        data=data,
        rtl=translation.get_language_bidi(),
        empty_text=_("No data for these filters."),
    )
    shown = [
        (row.label, _count(row.count), ["" if v is None else _number(v) for v in row.values]) for row in rows
    ]
    total = "" if table.total is None else _number(table.total)
    return Figure(table=table, chart=svg, truncated=len(rows) > len(drawn), rows=shown, total=total)


def _count(value: int | None) -> str:
    return f"<{SMALL_CELL}" if value is None else _number(value)


def _read_filters(request, scope: Scope, data_versions: dict | None = None):
    """The filter form of the query string and the filters that parsed (none without a query)."""
    form = ReportFilterForm(request.GET or None, scope=scope, data_versions=data_versions)
    return form, form.filters() if request.GET else statistics.Filters()


def _page(request, scope: Scope, *, template_title, data_view: str):
    data_versions = versions.current()
    form, filters = _read_filters(request, scope, data_versions)
    groups = []
    for group, label in statistics.GROUPS.items():
        figures = [
            _figure(statistics.table(scope, aggregate, filters, data_versions))
            for aggregate in statistics.available(scope, filters)
            if aggregate.group == group
        ]
        if figures:
            groups.append({"key": group, "label": label, "figures": figures})
    return render(
        request,
        "reports/statistics.html",
        {
            "form": form,
            "ignored": getattr(form, "ignored", []),
            "groups": groups,
            "public": scope.public,
            "page_title": template_title,
            "data_view": data_view,
            "small_cell": SMALL_CELL,
            "chart_rows": CHART_ROWS,
        },
    )


def dashboard(request):
    scope = access.dashboard_scope(request.user)
    return _page(request, scope, template_title=gettext_lazy("Reports"), data_view="reports:dashboard_data")


def public_statistics(request):
    return _page(
        request,
        access.public_scope(),
        template_title=gettext_lazy("Statistics"),
        data_view="reports:statistics_data",
    )


def _data(request, scope: Scope, name: str, fmt: str):
    aggregate = statistics.AGGREGATES.get(name)
    if aggregate is None or aggregate not in statistics.available(scope):
        raise Http404
    form, filters = _read_filters(request, scope)
    if getattr(form, "ignored", []):
        labels = ", ".join(str(form.fields[n].label) for n in form.ignored)
        message = _("These filters have values that are not valid: %(names)s.") % {"names": labels}
        return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
    table = statistics.table(scope, aggregate, filters)
    header = [_("Category"), statistics.GROUPS[aggregate.group], *aggregate.columns]
    rows = [
        [row.label, row.count if row.count is not None else f"<{SMALL_CELL}", *row.values]
        for row in table.rows
    ]
    if table.total is not None:
        rows.append([_("Total"), table.total, *([""] * len(aggregate.columns))])
    return table_response(fmt=fmt, filename=name, header=header, rows=rows, title=str(aggregate.title)[:31])


def dashboard_data(request, name: str, fmt: str = "csv"):
    return _data(request, access.dashboard_scope(request.user), name, fmt)


def statistics_data(request, name: str, fmt: str = "csv"):
    return _data(request, access.public_scope(), name, fmt)

"""Open data: the page that explains the datasets, and the IATI 2.03 activity XML (streamed).

Both are public: what they publish is the public register (``events.access.public_activities``)
and the documents for everyone of its activities; ``reports/iati.py`` builds the XML.
"""

from __future__ import annotations

from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from ipassist.core.i18n import pick
from ipassist.core.models import Country
from ipassist.reports import iati


@require_GET
def open_data(request):
    register = iati.activities()
    countries = sorted(
        Country.objects.filter(pk__in=register.values("country_id")), key=lambda c: pick(c, "name")
    )
    return render(
        request,
        "reports/open_data.html",
        {
            "activity_count": register.count(),
            "years": [day.year for day in register.dates("start_date", "year", order="DESC")],
            "countries": countries,
            "iati_version": iati.IATI_VERSION,
            "sectors": sorted(iati.DAC_SECTORS.items()),
        },
    )


@require_GET
def iati_activities(request):
    try:
        filters = iati.parse_filters(request.GET)
    except iati.FilterError as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
    response = StreamingHttpResponse(iati.iter_xml(filters), content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="iati-activities.xml"'
    return response


urlpatterns = [
    path("", open_data, name="open_data"),
    path("iati-activities.xml", iati_activities, name="iati_activities"),
]

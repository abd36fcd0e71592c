"""The product's URLs plus ``/raw/activities``: the public register's JSON list written as raw SQL,
the yardstick of the API's throughput in bench/api_load.py. Mounted only by bench_settings."""

import raw_endpoints
from django.urls import path

from ipassist.urls import urlpatterns as product

urlpatterns = [path("raw/activities", raw_endpoints.activities), *product]

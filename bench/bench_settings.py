"""Settings of the API load benchmark: the product's, with the raw-SQL twin endpoints mounted."""

from ipassist.settings import *  # noqa: F403

ROOT_URLCONF = "bench_urls"

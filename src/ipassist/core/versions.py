"""Version counters of the data that cached aggregates depend on.

Services that change activities, participants or requests call :func:`changed` inside their
transaction; the reports read :func:`current` (one small query) and put it in their cache keys.
The counter lives in the database, not in the cache, so every web process sees a change at once
whatever the cache backend (local memory is per process).
"""

from __future__ import annotations

from django.db.models import F

from ipassist.core.models import DataVersion

ACTIVITIES = "activities"
PARTICIPANTS = "participants"
REQUESTS = "requests"
TOPICS = (ACTIVITIES, PARTICIPANTS, REQUESTS)


def changed(*topics: str) -> None:
    """Raise the counters of ``topics``; call it in the transaction that changes the data."""
    for topic in topics:
        if topic not in TOPICS:
            raise ValueError(f"unknown data topic {topic!r}")
        # The rows are created by the migration; get_or_create covers a database restored without them.
        if not DataVersion.objects.filter(topic=topic).update(version=F("version") + 1):
            _row, created = DataVersion.objects.get_or_create(topic=topic, defaults={"version": 1})
            if not created:
                DataVersion.objects.filter(topic=topic).update(version=F("version") + 1)


def current() -> dict[str, int]:
    versions = dict.fromkeys(TOPICS, 0)
    versions.update(DataVersion.objects.values_list("topic", "version"))
    return versions

"""Reports at scale: each dashboard aggregate against the same aggregate written as one raw SQL
GROUP BY, the report pages, and the 50-row JSON list endpoints under gunicorn against a raw-SQL
endpoint of the same query (wrk).

    .venv/bin/python bench/reports.py [--activities 100000 --participants 1000000 --requests 20000]
        [--database-url postgres://postgres@127.0.0.1:5432/ipassist_bench] [--repeat 7] [--no-http]

Data: ``ipassist generate`` (activities, participants, requests with timelines) on a fresh
database. Each aggregate is timed cold (cache cleared: the data-version read, the GROUP BY and the
labels) and warm (from the cache), against the raw SQL alone (no labels). Prints figures; asserts
nothing about time.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness


def _median_ms(fn, repeat: int) -> float:
    fn()  # warm: connection, compiled templates, query plans
    times = []
    gc.collect()
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


# --- the raw SQL twins -------------------------------------------------------------------------------


def _year(column: str) -> str:
    from django.db import connection

    if connection.vendor == "postgresql":
        return f"EXTRACT(YEAR FROM {column})::int"
    return f"CAST(strftime('%Y', {column}) AS INTEGER)"


def _days(start: str, end: str) -> str:
    from django.db import connection

    if connection.vendor == "postgresql":
        return f"EXTRACT(EPOCH FROM (r.{end} - r.{start})) / 86400.0"
    return f"(julianday(r.{end}) - julianday(r.{start}))"


PUBLIC = "a.is_public AND a.status = 'announced'"


def _organised(orgs: list[int]) -> str:
    ids = ",".join(str(o) for o in orgs)
    return (
        f"(a.provider_id IN ({ids}) OR EXISTS (SELECT 1 FROM events_activity_co_organisers co "
        f"WHERE co.activity_id = a.id AND co.organisation_id IN ({ids}))) AND a.status = 'announced'"
    )


def raw_sql(name: str, where: str, orgs: list[int]) -> str:
    """The aggregate ``name`` as one hand-written GROUP BY over activities matching ``where``."""
    participants = (
        "FROM events_participant p WHERE p.status = 'approved' AND p.activity_id IN "
        f"(SELECT a.id FROM events_activity a WHERE {where})"
    )
    ids = ",".join(str(o) for o in orgs)
    requests = (
        f"FROM casework_assistancerequest r WHERE r.provider_id IN ({ids}) AND r.submitted_at IS NOT NULL"
    )
    activities = f"FROM events_activity a WHERE {where}"
    by_audience = (
        "FROM events_participant p LEFT JOIN core_professionalbackground b ON b.id = p.background_id "
        f"WHERE p.status = 'approved' AND p.activity_id IN (SELECT a.id {activities})"
    )
    groupings = (
        "FROM events_activity a JOIN core_regiongrouping_countries gc ON gc.country_id = a.country_id "
        f"JOIN core_regiongrouping g ON g.id = gc.regiongrouping_id WHERE {where} AND g.owner_id IN ({ids})"
    )
    regions = f"FROM events_activity a LEFT JOIN core_country c ON c.code = a.country_id WHERE {where}"
    topics = f"FROM events_activity a JOIN events_activity_topics t ON t.activity_id = a.id WHERE {where}"
    means = ", ".join(
        f"AVG({_days(start, end)})"
        for start, end in (
            ("submitted_at", "accepted_at"),
            ("accepted_at", "delivered_at"),
            ("submitted_at", "delivered_at"),
        )
    )
    return {
        "activities-by-region": f"SELECT c.region_id, COUNT(*) {regions} GROUP BY c.region_id",
        "activities-by-grouping": f"SELECT gc.regiongrouping_id, COUNT(*) {groupings} GROUP BY 1",
        "activities-by-type": f"SELECT a.kind_id, COUNT(*) {activities} GROUP BY a.kind_id",
        "activities-by-level": f"SELECT a.level, COUNT(*) {activities} GROUP BY a.level",
        "activities-by-topic": f"SELECT t.topic_id, COUNT(*) {topics} GROUP BY t.topic_id",
        "activities-by-year": f"SELECT {_year('a.start_date')} AS y, COUNT(*) {activities} GROUP BY y",
        "participants-by-background": f"SELECT p.background_id, COUNT(*) {participants} GROUP BY 1",
        "participants-by-audience": f"SELECT b.audience_id, COUNT(*) {by_audience} GROUP BY b.audience_id",
        "participants-by-country": f"SELECT p.country_id, COUNT(*) {participants} GROUP BY p.country_id",
        "participants-by-gender": f"SELECT p.gender, COUNT(*) {participants} GROUP BY p.gender",
        "requests-by-kind": f"SELECT r.kind, COUNT(*) {requests} GROUP BY r.kind",
        "requests-by-state": f"SELECT r.state, COUNT(*) {requests} GROUP BY r.state",
        "requests-processing": f"SELECT {_year('r.submitted_at')}, COUNT(*), {means} {requests} GROUP BY 1",
    }[name]


def _run_raw(sql: str) -> list:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


# --- the benchmark ---------------------------------------------------------------------------------


def _officer():
    """The demo officer of the WIPO-like provider: generated activities and requests go to it too."""
    from ipassist.core.models import User

    return User.objects.get(email="officer@wipo.example")


def aggregates(args, officer) -> None:
    from django.core.cache import cache

    from ipassist.core.access import officer_organisations
    from ipassist.reports import access, statistics

    orgs = sorted(officer_organisations(officer))
    print(
        f"\nAggregates: median of {args.repeat} runs; cold = cache cleared before each run (data versions + "
        "GROUP BY + labels), warm = from the cache; raw = the hand-written GROUP BY alone."
    )
    rows = []
    for scope, where in (
        (access.public_scope(), PUBLIC),
        (access.dashboard_scope(officer), _organised(orgs)),
    ):
        for aggregate in statistics.available(scope):
            if scope.public and aggregate.name == "activities-by-grouping":
                continue  # the public page charts a provider's groupings only when one is chosen
            sql = raw_sql(aggregate.name, where, orgs)
            raw_rows = _run_raw(sql)
            ours = statistics.table(scope, aggregate, statistics.Filters())
            same = sorted(r[1] or 0 for r in raw_rows if r[1]) == sorted(
                r.count for r in ours.rows if r.count is not None
            ) or (scope.public and aggregate.group == "participants")
            raw_ms = _median_ms(lambda sql=sql: _run_raw(sql), args.repeat)

            def cold(scope=scope, aggregate=aggregate):
                cache.clear()
                statistics.table(scope, aggregate, statistics.Filters())

            cold_ms = _median_ms(cold, args.repeat)
            warm_ms = _median_ms(
                lambda s=scope, a=aggregate: statistics.table(s, a, statistics.Filters()), args.repeat
            )
            rows.append(
                (("public" if scope.public else "officer"), aggregate.name, raw_ms, cold_ms, warm_ms, same)
            )
    header = ("scope", "aggregate", "raw ms", "cold ms", "cold/raw", "warm ms", "warm/raw", "same counts")
    cells = [
        (s, n, f"{r:.1f}", f"{c:.1f}", f"{c / r:.2f}", f"{w:.2f}", f"{w / r:.3f}", "yes" if same else "NO")
        for s, n, r, c, w, same in rows
    ]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(header)]
    print(" | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
    print("-+-".join("-" * w for w in widths))
    for c in cells:
        print(
            " | ".join(
                v.ljust(w) if i < 2 else v.rjust(w) for i, (v, w) in enumerate(zip(c, widths, strict=True))
            )
        )
    worst = max(rows, key=lambda r: r[3] / r[2])
    print(f"worst cold/raw: {worst[1]} ({worst[0]}) {worst[3] / worst[2]:.2f} times")


def pages(args, officer) -> None:
    from django.core.cache import cache
    from django.test import Client

    bench = harness.Bench(
        args.repeat, describe=lambda r: {"bytes": len(r.body if r.streaming else r.content)}
    )
    anonymous, signed_in = Client(), Client()
    signed_in.force_login(officer)
    for label, client, url in (
        ("public statistics", anonymous, "/en/statistics/"),
        ("public statistics, filtered", anonymous, "/en/statistics/?region=002&date_from=2015-01-01"),
        ("officer dashboard", signed_in, "/en/reports/"),
        ("one chart's CSV", anonymous, "/en/statistics/data/participants-by-country.csv"),
    ):
        bench.measure(f"{label} (warm)", client, url)
        bench.measure(f"{label} (cold)", client, url, vary=lambda n: (cache.clear(), {})[1])
    print(f"\nPages: median and p95 of {args.repeat} requests through the Django test client.")
    harness.print_table(bench.rows, [("KiB", lambda r: f"{r['bytes'] / 1024:.0f}")])


def benchmark(args) -> None:
    from ipassist.casework.generate import generate_requests
    from ipassist.core.demo import load_organisations_and_users
    from ipassist.events import generate

    setup_s = harness.prepare()
    load_organisations_and_users()
    start = time.perf_counter()
    generate.generate(
        activities=args.activities,
        participants=args.participants,
        seed=args.seed,
        progress=print if args.activities >= 20_000 else None,
    )
    generate_requests(count=args.requests, seed=args.seed, reference=generate.REFERENCE_DATE)
    harness.settle()
    generate_s = time.perf_counter() - start
    print(harness.backend())
    harness.print_setup(setup_s, generate_s)
    print(f"{args.activities:,} activities, {args.participants:,} participants, {args.requests:,} requests")
    officer = _officer()
    aggregates(args, officer)
    pages(args, officer)
    if not args.no_http:
        import api_load

        api_load.run(args, officer)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--activities", type=int, default=100_000)
    parser.add_argument("--participants", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--no-http", action="store_true", help="skip the gunicorn + wrk part")
    parser.add_argument("--duration", type=int, default=10, help="seconds of wrk load per endpoint")
    harness.add_common_arguments(parser, unit="aggregate")
    args = parser.parse_args()
    harness.run(args, benchmark)


if __name__ == "__main__":
    main()

"""Benchmark: the participant list and the attendance sheet of one activity with 2,000 approved
participants, among generated activities around it.

Prints the SQL queries per page (which must not grow with the page number or the page size) and
the median and 95th-percentile time of each page, and of saving one page of attendance ticks, for
SQLite (a temporary file, the default) or PostgreSQL (``--database-url``; the database is created
and dropped by ``harness.py``). It prints figures and asserts nothing about time; a response other
than the expected one is an error.

    .venv/bin/python bench/events_participants.py [--approved 2000] [--repeat 20]
    .venv/bin/python bench/events_participants.py --database-url postgres://postgres@127.0.0.1:5432/ipassist_bench
"""

from __future__ import annotations

import argparse
import math
import os
import re
import sys
import time
from datetime import timedelta

# What the benchmarks share (the script's folder is on sys.path).
from harness import (
    Bench,
    add_common_arguments,
    backend,
    constant,
    prepare,
    print_setup,
    print_table,
    run,
    settle,
)

# The activity's other registrations, besides the approved ones: the list shows them, the sheet not.
OTHER_STATUSES = {"pending": 150, "withdrawn": 100, "rejected": 50}
PARTICIPANT_PAGE_SIZES = (25, 100, 200)
ATTENDANCE_PAGE_SIZES = (25, 50, 100)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--approved", type=int, default=2000, help="approved participants (default 2000)")
    parser.add_argument(
        "--activities", type=int, default=500, help="generated activities around it (default 500)"
    )
    parser.add_argument(
        "--participants",
        type=int,
        default=10_000,
        help="participants of the generated activities (default 10000)",
    )
    add_common_arguments(parser, unit="page")
    args = parser.parse_args()
    if args.approved < 500 or args.repeat < 1:
        parser.error("--approved must be at least 500 and --repeat at least 1")
    return args


# --- the data --------------------------------------------------------------------------------------


def build(args: argparse.Namespace) -> dict:
    """A provider and its officer, generated activities around, and the activity under test: a
    three-day regional workshop that started yesterday, with ``--approved`` approved participants
    (present on the first day) and 300 others (pending, withdrawn, rejected)."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from ipassist.core.models import ActivityType, Membership, Organisation, User
    from ipassist.events import generate
    from ipassist.events.models import Activity, Attendance, Participant

    provider = Organisation.objects.create(
        slug="bench-provider", kind=Organisation.Kind.PROVIDER, name_en="Bench Provider", acronym_en="BP"
    )
    officer = User.objects.create(
        email="officer@bench.example.org", full_name="Officer", password=make_password(None)
    )
    Membership.objects.create(user=officer, organisation=provider, role=Membership.Role.OFFICER)
    around = generate.generate(activities=args.activities, participants=args.participants, seed=args.seed)

    today = timezone.localdate()
    with transaction.atomic():
        activity = Activity.objects.create(
            provider=provider,
            kind=ActivityType.objects.get(code="workshop"),
            level=Activity.Level.REGIONAL,
            status=Activity.Status.ANNOUNCED,
            title_en="Regional Workshop on the Enforcement of IP Rights for Judges and Prosecutors",
            start_date=today - timedelta(days=1),
            end_date=today + timedelta(days=1),
            city="Nairobi",
            country_id="KE",
            created_by=officer,
        )
    others = sum(OTHER_STATUSES.values())
    generate.add_participants(activity, args.approved + others, seed=args.seed)
    ids = list(activity.participants.order_by("pk").values_list("pk", flat=True))
    step = len(ids) // others
    chosen = ids[::step][:others]
    with transaction.atomic():
        first = 0
        for status, count in OTHER_STATUSES.items():
            Participant.objects.filter(pk__in=chosen[first : first + count]).update(status=status)
            first += count
        approved = list(
            activity.participants.filter(status=Participant.Status.APPROVED).values_list("pk", flat=True)
        )
        Attendance.objects.bulk_create(
            [Attendance(participant_id=pk, day=activity.start_date, recorded_by=officer) for pk in approved],
            batch_size=2000,
        )
    return {
        "officer": officer,
        "activity": activity,
        "approved": len(approved),
        "registrations": len(ids),
        "around": around,
    }


# --- measuring -------------------------------------------------------------------------------------


def rows_shown(response) -> dict:
    if response.status_code != 200:
        return {"shown": "-"}
    return {"shown": str(max(response.content.decode().count("<tr>") - 1, 0))}


def boxes(response) -> list[str]:
    return re.findall(r'name="present" value="([^"]+)"', response.content.decode())


def run_views(bench: Bench, data: dict) -> dict:
    from django.test import Client
    from django.urls import reverse
    from django.utils import translation

    from ipassist.events import views

    officer = Client()
    officer.force_login(data["officer"])
    activity = data["activity"]
    with translation.override("en"):
        participants = reverse("events:participants", kwargs={"pk": activity.pk})
        sheet = reverse("events:attendance", kwargs={"pk": activity.pk})

    last = math.ceil(data["registrations"] / views.PARTICIPANT_PAGE_SIZE)
    counts = {}
    for page in (1, 20, last):
        label = f"participants page {page}" + (" (last)" if page == last else "")
        counts[f"page {page}"] = bench.measure(label, officer, participants, {"page": page})["queries"]
    checks = {"participants": counts}

    last = math.ceil(data["approved"] / views.ATTENDANCE_PAGE_SIZE)
    counts = {}
    for page in (1, 20, last):
        label = f"attendance sheet page {page}" + (" (last)" if page == last else "")
        counts[f"page {page}"] = bench.measure(label, officer, sheet, {"page": page})["queries"]
    checks["attendance"] = counts

    # One page of ticks, saved: every box of the page, then only the first day, in turn, so that
    # each save changes (page size x other days) boxes.
    every = boxes(bench.call(officer, "get", sheet, {"page": 2}))
    first_day = activity.start_date.isoformat()
    only_first = [b for b in every if b.endswith(first_day)]

    def ticks(n: int) -> dict:
        return {"page": 2, "present": every if n % 2 == 0 else only_first}

    row = bench.measure(
        f"attendance POST page 2 ({len(every)} boxes)", officer, sheet, method="post", expect=302, vary=ticks
    )
    checks["post"] = row["queries"]

    by_size = {}
    original = views.PARTICIPANT_PAGE_SIZE
    try:
        for size in PARTICIPANT_PAGE_SIZES:
            views.PARTICIPANT_PAGE_SIZE = size
            bench.call(officer, "get", participants, {"page": 3}, 200)
            by_size[f"{size} rows"] = bench.queries(officer, "get", participants, {"page": 3})[0]
    finally:
        views.PARTICIPANT_PAGE_SIZE = original
    checks["participant sizes"] = by_size
    by_size = {}
    original = views.ATTENDANCE_PAGE_SIZE
    try:
        for size in ATTENDANCE_PAGE_SIZES:
            views.ATTENDANCE_PAGE_SIZE = size
            bench.call(officer, "get", sheet, {"page": 3}, 200)
            by_size[f"{size} rows"] = bench.queries(officer, "get", sheet, {"page": 3})[0]
    finally:
        views.ATTENDANCE_PAGE_SIZE = original
    checks["attendance sizes"] = by_size
    return checks


# --- main ------------------------------------------------------------------------------------------


def main() -> None:
    run(parse_args(), run_benchmark)


def run_benchmark(args: argparse.Namespace) -> None:
    setup_s = prepare()
    start = time.perf_counter()
    data = build(args)
    generate_s = time.perf_counter() - start
    settle()
    around = data["around"]
    print(
        f"events participants — {backend()}, one activity with {data['approved']:,} approved participants "
        f"({data['registrations']:,} registrations) among {around.activities:,} generated activities "
        f"with {around.participants:,} participants; {args.repeat} timed requests per page after one "
        f"warm-up; {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, DEBUG on"
    )
    print_setup(setup_s, generate_s)
    bench = Bench(args.repeat, rows_shown)
    checks = run_views(bench, data)
    print()
    print_table(bench.rows, [("rows", lambda r: r["shown"])])
    print()
    constant("queries per participant list page (100 rows)", checks["participants"])
    constant("queries per attendance sheet page (50 rows)", checks["attendance"])
    constant("queries on participant list page 3 by page size", checks["participant sizes"])
    constant("queries on attendance sheet page 3 by page size", checks["attendance sizes"])
    print(f"queries of one attendance save (a page of ticks): {checks['post']}")


if __name__ == "__main__":
    main()

"""Benchmark: the officer inbox with 50,000 requests across 190 countries.

Prints the SQL queries per inbox page (which must not grow with the page number or the page
size) and the median and 95th-percentile time of each view, for SQLite (a temporary file, the
default) or PostgreSQL (``--database-url``; the database is created and dropped here). It prints
figures and asserts nothing about time; a response other than 200 is an error.

    .venv/bin/python bench/casework_inbox.py [--requests 50000] [--repeat 20]
    .venv/bin/python bench/casework_inbox.py --database-url postgres://postgres@127.0.0.1:5432/ipassist_bench
"""

from __future__ import annotations

import argparse
import csv
import io
import math
import os
import random
import re
import sys
import time
from datetime import timedelta

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

PAGE_SIZES_CHECKED = (5, 50, 200)
# Shares of the inbox by state: mostly the working states, a few of the others.
STATE_WEIGHTS = {
    "submitted": 12,
    "accepted": 10,
    "in_progress": 20,
    "delivered": 15,
    "closed": 33,
    "info_requested": 4,
    "declined": 4,
    "withdrawn": 2,
}
KIND_WEIGHTS = {
    "legislative": 25,
    "legal_advice": 10,
    "training": 30,
    "ip_strategy": 10,
    "institutional": 10,
    "awareness": 10,
    "other": 5,
}
SUBJECTS = [
    "Review of the draft copyright law",
    "Training of customs officers on border measures",
    "Advice on a counterfeit medicines case",
    "National IP strategy: drafting workshop",
    "Modernisation of the industrial property office",
    "Awareness campaign for small enterprises",
    "Training of judges on IP enforcement",
    "Comments on the draft trademark regulations",
    "Support to the collective management organisation",
    "Study visit for prosecutors",
]
INSTITUTIONS = ["Ministry of Justice", "Customs Administration", "IP Office", "Supreme Court", "Police"]
DESCRIPTION = (
    "We ask for assistance with the matter described in the subject. The institutions involved are "
    "listed below; a draft text and a short note on what has been done so far are attached. "
) * 4


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=50_000, help="requests in the inbox (default 50000)")
    add_common_arguments(parser, unit="view")
    args = parser.parse_args()
    if args.requests < 1000 or args.repeat < 1:
        parser.error("--requests must be at least 1000 and --repeat at least 1")
    return args


# --- the data --------------------------------------------------------------------------------------


def _weighted(rng: random.Random, weights: dict[str, int], k: int) -> list[str]:
    return rng.choices(list(weights), weights=list(weights.values()), k=k)


def generate(n_requests: int, seed: int) -> dict:
    """One provider, 190 governments (one per country), officers, a focal point, experts, and
    ``n_requests`` submitted requests plus 2% drafts the officer must not see."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.db.models import Count
    from django.utils import timezone

    from ipassist.casework.models import Assignment, AssistanceRequest
    from ipassist.core.models import Country, Membership, Organisation, User

    rng = random.Random(seed)
    now = timezone.now()
    batch = 2000
    with transaction.atomic():
        countries = list(Country.objects.filter(region__isnull=False).order_by("code")[:190])
        provider = Organisation.objects.create(
            slug="bench-provider", kind=Organisation.Kind.PROVIDER, name_en="Bench Provider", acronym_en="BP"
        )
        governments = Organisation.objects.bulk_create(
            Organisation(
                slug=f"government-{c.code.lower()}",
                kind=Organisation.Kind.GOVERNMENT,
                name_en=f"Government of {c.name_en}",
                country=c,
            )
            for c in countries
        )
        unusable = make_password(None)

        def people(prefix: str, label: str, n: int) -> list[User]:
            return User.objects.bulk_create(
                User(email=f"{prefix}{i}@bench.example.org", full_name=f"{label} {i}", password=unusable)
                for i in range(1, n + 1)
            )

        officers = people("officer", "Officer", 6)  # officers[0] reads the inbox; all may lead
        experts = people("expert", "Expert", 30)
        [focal_point] = people("focal", "Focal point", 1)
        Membership.objects.bulk_create(
            Membership(user=u, organisation=provider, role=role)
            for users, role in ((officers, Membership.Role.OFFICER), (experts, Membership.Role.EXPERT))
            for u in users
        )

        # Some states ask far more often than others.
        activity = [rng.paretovariate(1.5) for _ in governments]
        requesters = rng.choices(governments, weights=activity, k=n_requests)
        states = _weighted(rng, STATE_WEIGHTS, n_requests)
        kinds = _weighted(rng, KIND_WEIGHTS, n_requests)
        span = timedelta(days=3 * 365).total_seconds()
        submitted = sorted(now - timedelta(seconds=rng.uniform(60, span)) for _ in range(n_requests))
        n_drafts = n_requests // 50
        # Oldest first, so that ids and references follow time as they do in the application.
        rows = [(s, requesters[i], states[i], kinds[i]) for i, s in enumerate(submitted)]
        draft_kinds = _weighted(rng, KIND_WEIGHTS, n_drafts)
        rows += [(None, rng.choice(governments), "draft", kind) for kind in draft_kinds]
        objects = []
        for n, (submitted_at, requester, state, kind) in enumerate(rows, start=1):
            created = submitted_at or now - timedelta(days=rng.uniform(0, 60))
            changed = created
            if state not in ("draft", "submitted"):
                changed = created + (now - created) * rng.random()
            objects.append(
                AssistanceRequest(
                    reference=f"{created.year}-{n:05d}",
                    provider=provider,
                    requester=requester,
                    country_id=requester.country_id,
                    kind=kind,
                    title=f"{rng.choice(SUBJECTS)} ({n})",
                    institution=rng.choice(INSTITUTIONS),
                    description=DESCRIPTION,
                    working_languages=rng.sample(["en", "fr", "es", "ar", "pt"], k=rng.randint(1, 2)),
                    contacts="A. Contact, Legal Adviser, contact@example.org, +1 555 0100",
                    state=state,
                    state_changed_at=changed,
                    submitted_at=submitted_at,
                    lead_officer=rng.choice(officers) if submitted_at and rng.random() < 0.5 else None,
                    created_by=focal_point if requester.pk == governments[0].pk else None,
                )
            )
        # created_at (auto_now_add) is the time of this load: the inbox neither shows nor sorts by
        # it, and rewriting 50,000 rows would leave the table half dead tuples.
        AssistanceRequest.objects.bulk_create(objects, batch_size=batch)

        # Experts on a tenth of the requests being worked on, most of them having accepted.
        working = [o for o in objects if o.state in ("accepted", "in_progress", "delivered", "closed")]
        assignments = []
        for case in rng.sample(working, k=len(working) // 10):
            for expert in rng.sample(experts, k=rng.randint(1, 2)):
                accepted = rng.random() < 0.9
                assignments.append(
                    Assignment(
                        request=case,
                        expert=expert,
                        assigned_by=rng.choice(officers),
                        undertaking_accepted_at=case.state_changed_at if accepted else None,
                        undertaking_text="I will keep this file confidential." if accepted else "",
                    )
                )
        Assignment.objects.bulk_create(assignments, batch_size=batch)

        # The focal point speaks for the busiest state.
        busiest = (
            AssistanceRequest.objects.values("requester_id")
            .annotate(n=Count("id"))
            .order_by("-n", "requester_id")
            .first()
        )
        state_org = Organisation.objects.get(pk=busiest["requester_id"])
        Membership.objects.create(user=focal_point, organisation=state_org, role=Membership.Role.FOCAL_POINT)
    return {
        "officer": officers[0],
        "lead": officers[1],
        "focal_point": focal_point,
        "country": state_org.country_id,
        "reference": objects[len(objects) // 3].reference,
        "countries": len({r.country_id for r in requesters}),
        "drafts": n_drafts,
        "assignments": len(assignments),
    }


# --- measuring -------------------------------------------------------------------------------------


def describe(response) -> dict:
    """Rows shown and total matches, read from the page (or the CSV) itself."""
    body = (response.body if response.streaming else response.content).decode("utf-8-sig")
    if response["Content-Type"].startswith("text/csv"):
        return {"shown": sum(1 for _ in csv.reader(io.StringIO(body))) - 1, "matches": None}
    heading = re.search(r'id="results-heading">([\d,.\s]+) request', body)
    return {
        "shown": max(body.count("<tr>") - 1, 0),
        "matches": int(re.sub(r"\D", "", heading.group(1))) if heading else None,
    }


def run_views(bench: Bench, data: dict) -> dict:
    from django.test import Client
    from django.urls import reverse
    from django.utils import translation

    from ipassist.casework import views

    officer, focal = Client(), Client()
    officer.force_login(data["officer"])
    focal.force_login(data["focal_point"])
    with translation.override("en"):
        inbox, export = reverse("casework:list"), reverse("casework:export")
    last = math.ceil(data["visible"] / views.PAGE_SIZE)
    pages = {}
    middle = min(500, last)  # page 500 of 1,000 at the default size
    numbers = {"page 1": 1, "page 2": 2, f"page {middle}": middle, f"last page ({last})": last}
    for label, page in numbers.items():
        row = bench.measure(label, officer, inbox, {"page": page})
        pages[label] = row["queries"]
        if row["matches"] != data["visible"]:  # a correctness check: drafts stay out of the inbox
            raise RuntimeError(f"the inbox counts {row['matches']} requests, not {data['visible']}")
    filtered = [
        ("state=submitted", {"state": "submitted"}),
        ("kind=legislative", {"kind": "legislative"}),
        (f"country={data['country']}", {"country": data["country"]}),
        ("region=002 (Africa)", {"region": "002"}),
        ("age=91-", {"age": "91-"}),
        ("assignee=<lead officer>", {"assignee": data["lead"].pk}),
        (f"q={data['reference']}", {"q": data["reference"]}),
        ("state=closed, last page", {"state": "closed", "page": 10**6}),
    ]
    for label, params in filtered:
        bench.measure(label, officer, inbox, params)
    bench.measure("focal point's list", focal, inbox, {})
    bench.measure("CSV export state=submitted", officer, export, {"state": "submitted"})
    # Some seconds each at 50,000 rows: a few runs are enough for a median.
    bench.measure("CSV export, everything", officer, export, {}, repeat=min(bench.repeat, 3))

    # The same page with other page sizes: the number of queries must not follow the rows.
    by_size = {}
    original = views.PAGE_SIZE
    try:
        for size in PAGE_SIZES_CHECKED:
            views.PAGE_SIZE = size
            bench.call(officer, "get", inbox, {"page": 3})
            by_size[size] = bench.queries(officer, "get", inbox, {"page": 3})[0]
    finally:
        views.PAGE_SIZE = original
    return {"pages": pages, "sizes": by_size}


# --- main ------------------------------------------------------------------------------------------


def main() -> None:
    run(parse_args(), run_benchmark)


def run_benchmark(args: argparse.Namespace) -> None:
    setup_s = prepare()
    start = time.perf_counter()
    data = generate(args.requests, args.seed)
    data["visible"] = args.requests
    generate_s = time.perf_counter() - start
    settle()
    print(
        f"casework inbox — {backend()}, {args.requests:,} requests in the officer's inbox from "
        f"{data['countries']} countries (+{data['drafts']:,} drafts it must not show, "
        f"{data['assignments']:,} expert assignments); {args.repeat} timed requests per view "
        f"after one warm-up; {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, DEBUG on"
    )
    print_setup(setup_s, generate_s)
    bench = Bench(args.repeat, describe)
    checks = run_views(bench, data)
    print()
    print_table(
        bench.rows,
        [
            ("rows", lambda r: str(r["shown"])),
            ("matches", lambda r: "" if r["matches"] is None else f"{r['matches']:,}"),
        ],
    )
    print()
    constant("queries per inbox page (page size 50)", checks["pages"])
    constant("queries on page 3 by page size", {f"{k} rows": v for k, v in checks["sizes"].items()})
    print(
        "The CSV export writes every matching row: its time grows with the rows, and it runs one more "
        "query per 2,000 rows (the iterator's chunks, each with its prefetch of experts)."
    )


if __name__ == "__main__":
    main()

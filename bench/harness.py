"""What the benchmarks share: a fresh database (a temporary SQLite file, or a PostgreSQL database
created and dropped here), the product settings with DEBUG on, reference data, the timing of views
through Django's test client with their SQL queries counted, and the printed tables.

A benchmark script parses its own sizes, adds :func:`add_common_arguments`, and calls
``run(args, benchmark)``; ``benchmark(args)`` runs with Django set up on the fresh database.
"""

from __future__ import annotations

import argparse
import gc
import math
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit


def add_common_arguments(parser: argparse.ArgumentParser, *, unit: str) -> None:
    """--database-url, --repeat (timed requests per ``unit``) and --seed."""
    parser.add_argument(
        "--database-url",
        default="",
        help="postgres://…/NAME (created, then dropped; NAME must contain 'bench'); default: a temporary "
        "SQLite file",
    )
    parser.add_argument("--repeat", type=int, default=20, help=f"timed requests per {unit} (default 20)")
    parser.add_argument("--seed", type=int, default=20260101)


# --- the database ----------------------------------------------------------------------------------


def _pg_name_and_admin_url(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if "bench" not in name:
        sys.exit(f"Refusing to drop and recreate {name!r}: the database name must contain 'bench'.")
    return name, parts._replace(path="/postgres").geturl()


def _pg_admin(url: str, statement: str) -> None:
    import psycopg
    from psycopg import sql

    name, admin_url = _pg_name_and_admin_url(url)
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL(statement).format(sql.Identifier(name)))


def create_database(url: str) -> None:
    _pg_admin(url, "DROP DATABASE IF EXISTS {} WITH (FORCE)")
    _pg_admin(url, "CREATE DATABASE {}")


def drop_database(url: str) -> None:
    _pg_admin(url, "DROP DATABASE IF EXISTS {} WITH (FORCE)")


def configure_django(database_url: str, workdir: Path) -> None:
    """The product settings with DEBUG on (no HTTPS redirect, no manifest for static files)."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "ipassist.settings"
    os.environ["DEBUG"] = "1"
    os.environ["SECRET_KEY"] = "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"  # noqa: S105
    os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
    os.environ["DATABASE_URL"] = database_url
    os.environ["IPASSIST_VAR_DIR"] = str(workdir)
    os.environ["MEDIA_ROOT"] = str(workdir / "media")
    os.environ["TASKS_BACKEND"] = "django_tasks.backends.immediate.ImmediateBackend"
    os.environ["LOG_LEVEL"] = "WARNING"
    import django

    django.setup()


def run(args: argparse.Namespace, benchmark: Callable[[argparse.Namespace], None]) -> None:
    """Run ``benchmark(args)`` on a fresh database, removed afterwards whatever happens."""
    postgres = args.database_url.startswith(("postgres://", "postgresql://"))
    if args.database_url and not postgres:
        sys.exit("--database-url takes a postgres:// URL; SQLite is the default (a temporary file).")
    if postgres:
        _pg_name_and_admin_url(args.database_url)  # refuses a name without "bench" before anything
    workdir = Path(tempfile.mkdtemp(prefix="ipassist-bench-"))
    url = args.database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    created = False
    try:
        if postgres:
            create_database(url)
            created = True
        configure_django(url, workdir)
        benchmark(args)
    finally:
        if "django" in sys.modules:
            from django.db import connections

            connections.close_all()
        if created:
            drop_database(url)
        shutil.rmtree(workdir, ignore_errors=True)


def prepare() -> float:
    """Migrate and load the reference data (countries, regions, vocabularies); the seconds it took."""
    from django.core.management import call_command

    from ipassist.core.demo import load_vocabularies
    from ipassist.core.reference import sync_reference

    start = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    sync_reference()
    load_vocabularies()
    return time.perf_counter() - start


def settle() -> None:
    """After a bulk load on PostgreSQL, what autovacuum does shortly after: statistics and the
    visibility map."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def backend() -> str:
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {cursor.fetchone()[0]}"
    import sqlite3

    return f"SQLite {sqlite3.sqlite_version}"


def database_size() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            cursor.execute("SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()")
        else:
            cursor.execute("SELECT pg_database_size(current_database())")
        return cursor.fetchone()[0]


def print_setup(setup_s: float, generate_s: float) -> None:
    print(
        f"migrate + reference data: {setup_s:.1f} s; data generation: {generate_s:.1f} s; "
        f"database size: {database_size() / 2**20:.1f} MiB"
    )


# --- measuring -------------------------------------------------------------------------------------


class Bench:
    """Times views; ``describe(response)`` adds what a row of the table shows about the response."""

    def __init__(self, repeat: int, describe: Callable[[object], dict]):
        self.repeat = repeat
        self.describe = describe
        self.rows: list[dict] = []

    @staticmethod
    def call(client, method: str, url: str, data: dict, expect: int = 200):
        response = getattr(client, method)(url, data)
        if response.status_code != expect:
            raise RuntimeError(
                f"{method.upper()} {url} {data if method == 'get' else ''} answered "
                f"{response.status_code}, not {expect}"
            )
        if response.streaming:
            # A streamed response reads its rows (and runs its queries) only as it is consumed.
            response.body = b"".join(response.streaming_content)
        return response

    def queries(self, client, method: str, url: str, data: dict, expect: int = 200) -> tuple[int, object]:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            response = self.call(client, method, url, data, expect)
        return len(captured.captured_queries), response

    def measure(
        self,
        label: str,
        client,
        url: str,
        data: dict | None = None,
        *,
        method: str = "get",
        expect: int = 200,
        vary: Callable[[int], dict] | None = None,
        repeat: int | None = None,
    ) -> dict:
        """One warm-up request, one whose queries are counted, then ``repeat`` timed ones.
        ``vary(n)`` gives the data of the n-th request (a POST that changes something each time)."""
        data = data or {}
        self.call(
            client, method, url, vary(0) if vary else data, expect
        )  # templates compiled, connection open
        n_queries, response = self.queries(client, method, url, vary(1) if vary else data, expect)
        times = []
        gc.collect()
        for n in range(repeat or self.repeat):
            start = time.perf_counter()
            self.call(client, method, url, vary(n + 2) if vary else data, expect)
            times.append((time.perf_counter() - start) * 1000)
        times.sort()
        row = {
            "view": label,
            "queries": n_queries,
            "median": statistics.median(times),
            "p95": times[max(math.ceil(0.95 * len(times)) - 1, 0)],
            **self.describe(response),
        }
        self.rows.append(row)
        return row


def print_table(rows: list[dict], columns: list[tuple[str, Callable[[dict], str]]]) -> None:
    """The view, then ``columns`` (header, cell of a row), then queries, median and p95."""
    header = ("view", *(name for name, _cell in columns), "queries", "median ms", "p95 ms")
    cells = [
        (
            r["view"],
            *(cell(r) for _name, cell in columns),
            str(r["queries"]),
            f"{r['median']:.1f}",
            f"{r['p95']:.1f}",
        )
        for r in rows
    ]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(header)]

    def line(values) -> str:
        first, *rest = values
        return " | ".join(
            [first.ljust(widths[0]), *(v.rjust(w) for v, w in zip(rest, widths[1:], strict=True))]
        )

    print(line(header))
    print("-+-".join("-" * w for w in widths))
    for c in cells:
        print(line(c))


def constant(label: str, counts: dict) -> None:
    values = set(counts.values())
    verdict = "constant" if len(values) == 1 else "NOT CONSTANT"
    print(f"{label}: " + " | ".join(f"{k}: {v}" for k, v in counts.items()) + f"  -> {verdict}")

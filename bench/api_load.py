"""The 50-row JSON lists under load: gunicorn with 2 workers on the benchmark's database, ``wrk``
against ``/api/activities`` and against its raw-SQL twin (``raw_endpoints.activities``), page 1
and a deep page; then the queries per request as the offset grows (Django test client).

Called by bench/reports.py after its data is generated (``run(args, officer)``).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start_gunicorn(port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench_settings",
        "PYTHONPATH": os.pathsep.join([str(HERE), str(ROOT / "src")]),
        "DEBUG": "0",  # as in production: no query log, no debug pages
        "SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "SECURE_HSTS_SECONDS": "0",
        "API_RATE_ANON": "100000000/min",  # the rate limit is not what is measured
        "API_RATE_TOKEN": "100000000/min",
        "LOG_LEVEL": "WARNING",
    }
    env["DATABASE_URL"] = os.environ["DATABASE_URL"]  # the benchmark's database (harness)
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "ipassist.wsgi:application",
        "--workers",
        "2",
        "--bind",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(command, env=env, cwd=HERE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/activities?limit=1", timeout=5):
                return server
        except OSError:
            if server.poll() is not None:
                raise RuntimeError(server.stderr.read().decode()) from None
            time.sleep(0.3)
    server.kill()
    raise RuntimeError("gunicorn did not answer in 60 s")


def _same_body(port: int, query: str) -> bool:
    def get(path: str) -> dict:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}?{query}", timeout=30) as response:
            body = json.loads(response.read())
        for link in ("next", "previous"):
            body[link] = body[link].split("?", 1)[1] if body[link] else None
        for row in body["results"]:
            row.pop("updated_at")  # formatting of the timestamp differs; the value is the same
        return body

    return get("/api/activities") == get("/raw/activities")


def _wrk(url: str, duration: int) -> tuple[float, float]:
    """Requests per second and median latency (ms) of ``wrk -t2 -c8``."""
    out = subprocess.run(
        ["wrk", "-t2", "-c8", f"-d{duration}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    match = re.search(r"50%\s+([\d.]+)(us|ms|s)", out)
    scale = {"us": 0.001, "ms": 1, "s": 1000}[match.group(2)]
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non_2xx:
        raise RuntimeError(f"{url}: {non_2xx.group(1)} error responses under load")
    return rps, float(match.group(1)) * scale


def _register_size() -> int:
    from ipassist.events.access import public_activities

    return public_activities().count()


def queries_per_page() -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    counts = {}
    size = _register_size()
    for offset in (0, 50, size // 10, size // 2, size - 50):
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/api/activities", {"limit": 50, "offset": offset})
        assert response.status_code == 200, response.content[:200]
        counts[f"offset {offset:,}"] = len(captured.captured_queries)
    import harness

    harness.constant("\nqueries per /api/activities page (limit 50)", counts)


def run(args, officer) -> None:
    queries_per_page()
    if shutil.which("wrk") is None:
        subprocess.run([str(ROOT / "scripts" / "ensure-wrk")], check=True)
    port = _free_port()
    server = _start_gunicorn(port)
    try:
        print(f"\nJSON lists under gunicorn (2 workers, DEBUG off), wrk -t2 -c8 for {args.duration} s each:")
        print("endpoint | page | API req/s | raw req/s | API/raw | API median ms | raw median ms | same JSON")
        deep = (_register_size() // 2) // 50 * 50
        for label, offset in (("page 1", 0), (f"page {deep // 50 + 1:,}", deep)):
            query = f"limit=50&offset={offset}"
            same = _same_body(port, query)
            api_rps, api_ms = _wrk(f"http://127.0.0.1:{port}/api/activities?{query}", args.duration)
            raw_rps, raw_ms = _wrk(f"http://127.0.0.1:{port}/raw/activities?{query}", args.duration)
            print(
                f"/api/activities | {label} | {api_rps:.0f} | {raw_rps:.0f} | {api_rps / raw_rps:.2f} | "
                f"{api_ms:.1f} | {raw_ms:.1f} | {'yes' if same else 'NO'}"
            )
    finally:
        server.terminate()
        server.wait(timeout=20)

"""Two nominations for a state's last nomination: one wins. Two approvals for the last seat: one
gets it, the other goes on the waiting list. Run in real, overlapping transactions against a
fresh database of the suite's backend (see tests/events/races.py)."""

import json
import os
import subprocess
import sys
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def test_the_last_nomination_and_the_last_seat_go_to_one(fresh_database_url):
    run = subprocess.run(
        [sys.executable, "-m", "tests.events.races"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": fresh_database_url},
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout.strip().splitlines()[-1])
    assert report["vendor"] == connection.vendor
    assert report["quota"] == ["nominated", "refused"]
    assert report["nominations"] == 1
    assert report["seat"] == ["approved", "waitlisted"]
    assert report["approved"] == 1

"""Exactly one of two conflicting edits wins; the other is told who changed what.

The edits run in two real, overlapping transactions on their own connections, against a fresh
database of the suite's backend (SQLite file or PostgreSQL database), in a subprocess: the test
database itself is wrapped in one transaction per test and cannot host two.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def test_exactly_one_of_two_conflicting_edits_wins(fresh_database_url):
    env = {**os.environ, "DATABASE_URL": fresh_database_url}
    run = subprocess.run(
        [sys.executable, "-m", "tests.casework.concurrent_edits"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout.strip().splitlines()[-1])
    assert report["vendor"] == connection.vendor
    outcomes = {email: r["outcome"] for email, r in report["results"].items()}
    assert sorted(outcomes.values()) == ["saved", "stale"]
    winner = next(email for email, outcome in outcomes.items() if outcome == "saved")
    loser = next(email for email, outcome in outcomes.items() if outcome == "stale")
    # The two transactions overlapped: the loser started before the winner committed.
    assert report["results"][loser]["started"] < report["first_commit_at"]
    # The loser is told who changed what, and nothing is lost: the winner's edit is what is stored.
    told = report["results"][loser]
    assert told["current_revision"] == 2
    assert told["changes"] == [{"by": winner, "fields": ["title"]}]
    assert report["final"] == {"title": f"Subject by {winner.split('@')[0]}", "revision": 2}

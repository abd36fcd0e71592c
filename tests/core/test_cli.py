"""The `ipassist` command line."""

import subprocess
import sys


def run(*args, env=None):
    import os

    return subprocess.run(
        [sys.executable, "-m", "ipassist.cli", *args],
        env={**os.environ, "DEBUG": "1", **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_help_lists_the_operator_commands():
    result = run("--help")
    assert result.returncode == 0
    for command in ("ipassist serve", "ipassist demo", "ipassist migrate"):
        assert command in result.stdout


def test_django_commands_pass_through():
    result = run("check")
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_migrate_and_demo_on_a_fresh_database(tmp_path):
    env = {"IPASSIST_VAR_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}"}
    assert run("migrate", "--noinput", "-v0", env=env).returncode == 0
    first = run("demo", env=env)
    assert first.returncode == 0, first.stderr
    assert "officer@wipo.example" in first.stdout
    assert "Demo data: 0 change(s)." in run("demo", env=env).stdout

"""Settings come from the environment; a bad value stops start-up with a message naming it."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from ipassist.env import database_from_env, env_bool, env_int, env_list

BASE_ENV = {"PATH": os.environ["PATH"], "SECRET_KEY": "x" * 60, "DEBUG": "0", "ALLOWED_HOSTS": "example.org"}


def start(env: dict) -> subprocess.CompletedProcess:
    """Import the settings in a fresh interpreter, as `ipassist serve` would."""
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={**BASE_ENV, "DJANGO_SETTINGS_MODULE": "ipassist.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DEBUG": "maybe"}, "DEBUG must be one of"),
        ({"SECRET_KEY": ""}, "SECRET_KEY must be set when DEBUG is off."),
        ({"DATABASE_URL": "nosuchdb://nowhere"}, "DATABASE_URL is not a usable database URL"),
        ({"DATABASE_URL": "oracle://u:p@host/db"}, "DATABASE_URL must point to SQLite or PostgreSQL"),
        ({"SESSION_IDLE_TIMEOUT": "soon"}, "SESSION_IDLE_TIMEOUT must be a whole number"),
        ({"SESSION_IDLE_TIMEOUT": "5"}, "SESSION_IDLE_TIMEOUT must be at least 60"),
        ({"ALLOWED_HOSTS": "a.org,,b.org"}, "ALLOWED_HOSTS must be a comma-separated list"),
        ({"EMAIL_PORT": "smtp"}, "EMAIL_PORT must be a whole number"),
        ({"CACHE_URL": "memcached://x"}, "CACHE_URL must be locmem:// or a redis:// URL"),
        ({"SECURE_SSL_REDIRECT": "sometimes"}, "SECURE_SSL_REDIRECT must be one of"),
    ],
)
def test_bad_environment_stops_startup_naming_the_variable(env, message):
    result = start(env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_good_environment_starts():
    result = start(
        {
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/ipassist",
            "CACHE_URL": "redis://127.0.0.1:6379/0",
        }
    )
    assert result.returncode == 0, result.stderr


def test_readers():
    os.environ["IPASSIST_TEST_FLAG"] = "Yes"
    try:
        assert env_bool("IPASSIST_TEST_FLAG", False) is True
        assert env_list("IPASSIST_TEST_FLAG", []) == ["Yes"]
        with pytest.raises(ImproperlyConfigured, match="IPASSIST_TEST_FLAG must be a whole number"):
            env_int("IPASSIST_TEST_FLAG", 1)
    finally:
        del os.environ["IPASSIST_TEST_FLAG"]


def test_sqlite_runs_in_wal_with_immediate_transactions(tmp_path):
    os.environ["IPASSIST_TEST_DB"] = f"sqlite:///{tmp_path / 'x.sqlite3'}"
    try:
        config = database_from_env("IPASSIST_TEST_DB", "")
    finally:
        del os.environ["IPASSIST_TEST_DB"]
    assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "PRAGMA journal_mode=WAL" in config["OPTIONS"]["init_command"]


@pytest.mark.django_db
def test_the_test_database_is_configured_as_in_production():
    from django.db import connection

    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA foreign_keys")
            assert cursor.fetchone()[0] == 1
    else:
        assert connection.vendor == "postgresql"


def test_product_hashes_passwords_with_argon2():
    from django.contrib.auth.hashers import Argon2PasswordHasher

    assert settings.PRODUCT_PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert Argon2PasswordHasher().encode("secret", Argon2PasswordHasher().salt()).startswith("argon2$")


def test_session_idle_timeout():
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert settings.SESSION_COOKIE_AGE == 1800


def test_deploy_check_passes_with_production_settings():
    result = subprocess.run(
        [sys.executable, "-m", "ipassist.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env={**BASE_ENV, "DJANGO_SETTINGS_MODULE": "ipassist.settings", "SECRET_KEY": "k" * 20 + "Zq9!" * 10},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout

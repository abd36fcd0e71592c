"""Reading settings from environment variables.

Each reader names the variable in its error, so that a bad value stops start-up with a message an
operator can act on (``ImproperlyConfigured: DEBUG must be one of ...; got 'maybe'``).
"""

from __future__ import annotations

import os

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _raw(name: str) -> str | None:
    value = os.environ.get(name)
    return None if value is None else value.strip()


def env_str(name: str, default: str | None = None, *, required: bool = False) -> str:
    value = _raw(name)
    if value is None or value == "":
        if required:
            raise ImproperlyConfigured(f"{name} must be set.")
        return "" if default is None else default
    return value


def env_bool(name: str, default: bool) -> bool:
    value = _raw(name)
    if value is None:
        return default
    low = value.lower()
    if low in _TRUE:
        return True
    if low in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of 1/0, true/false, yes/no, on/off; got {value!r}.")


def env_int(name: str, default: int, *, minimum: int | None = None, maximum: int | None = None) -> int:
    value = _raw(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number; got {value!r}.") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}; got {number}.")
    if maximum is not None and number > maximum:
        raise ImproperlyConfigured(f"{name} must be at most {maximum}; got {number}.")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    value = _raw(name)
    if value is None:
        return list(default)
    items = [item.strip() for item in value.split(",")]
    if any(not item for item in items):
        raise ImproperlyConfigured(
            f"{name} must be a comma-separated list without empty items; got {value!r}."
        )
    return items


def env_choice(name: str, default: str, choices: list[str]) -> str:
    value = env_str(name, default)
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}; got {value!r}.")
    return value


_RATE_UNITS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hour": 3600, "d": 86400, "day": 86400}


def env_rate(name: str, default: str) -> str:
    """A request rate such as ``60/min`` or ``1000/day`` (units: s, sec, m, min, h, hour, d, day)."""
    value = env_str(name, default)
    count, _sep, unit = value.partition("/")
    if not (count.isdigit() and int(count) > 0 and unit in _RATE_UNITS):
        raise ImproperlyConfigured(
            f"{name} must be a number of requests per unit, such as 60/min or 1000/day "
            f"(units: {', '.join(_RATE_UNITS)}); got {value!r}."
        )
    return value


def database_from_env(name: str, default: str) -> dict:
    """Parse ``DATABASE_URL``; SQLite gets WAL, a busy timeout and IMMEDIATE transactions.

    IMMEDIATE takes the write lock when a transaction starts, so two writers queue on the busy
    timeout instead of one failing with "database is locked" when it upgrades a read lock.
    """
    import dj_database_url

    url = env_str(name, default)
    try:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} is not a usable database URL ({exc}); got {url!r}.") from None
    engine = config.get("ENGINE", "")
    if engine == "django.db.backends.sqlite3":
        if not config.get("NAME"):
            raise ImproperlyConfigured(f"{name} names no SQLite file; got {url!r}.")
        config["CONN_MAX_AGE"] = 0
        config["CONN_HEALTH_CHECKS"] = False
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=20000;"
            ),
        }
    elif engine not in ("django.db.backends.postgresql",):
        raise ImproperlyConfigured(f"{name} must point to SQLite or PostgreSQL; got engine {engine!r}.")
    return config

"""Schemathesis against the served OpenAPI, in-process over WSGI, on the test database.

Every operation of /api/openapi.json gets a bounded, deterministic set of generated requests,
valid and invalid, sent with an organiser's read-and-write token. Path parameters point at real
rows, so that the detail, import and write paths run and not only their 404s. No response may be
a server error; each must have a declared status code and content type and match its schema.
"""

from __future__ import annotations

import zlib

import pytest
import schemathesis
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.core.parameters import ParameterLocation

from ipassist.events import imports

CHECKS = [
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
]
MAX_EXAMPLES = 5
SEED = 20261121

LIST = "Given name,Family name,E-mail,Organisation,Country,Professional background\r\n"


CONFIG = schemathesis.Config.from_dict(
    {
        "seed": SEED,
        "suppress-health-check": ["too_slow", "filter_too_much", "data_too_large"],
        "generation": {"max-examples": MAX_EXAMPLES, "deterministic": True},
        "phases": {"stateful": {"enabled": False}},
        "checks": {"enabled": False, **{name: {"enabled": True} for name in CHECKS}},
    }
)
# Loading the schema is one GET of /api/openapi.json, which reads nothing from the database.
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", WSGIHandler(), config=CONFIG)


@pytest.fixture
def in_test_transaction():
    """Keep the WSGI handler inside the test's transaction: after each request it would close the
    connection (and so roll the test database back), as a server does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def world(in_test_transaction, officer, make_token, activity, public_activity, programme, case):
    """Real rows for the path parameters, and an organiser's read-and-write token."""
    _token, secret = make_token(officer)
    job = imports.import_preview(
        activity=activity,
        by=officer,
        upload=SimpleUploadedFile(
            "list.csv", (LIST + "Wanjiku,Kamau,w.kamau@example.org,High Court,KE,judge\r\n").encode()
        ),
        consent_confirmed=True,
    )
    return {
        "headers": {"Authorization": f"Bearer {secret}"},
        "path": {
            "activity_id": activity.pk,
            "import_id": job.pk,
            "request_id": case.pk,
            "slug": programme.slug,
        },
    }


@schema.parametrize()
# One set of rows per operation, shared by its examples (they run in the test's one transaction).
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_api_conforms_to_its_schema(case, world):
    if case.meta is None or not case.meta.is_negative_at(ParameterLocation.PATH):
        # Valid path parameters: mostly those of real rows, so that operations do more than answer
        # 404; a third of the values keep what was generated, so that the 404s are checked too.
        for name, value in case.path_parameters.items():
            if zlib.crc32(repr(value).encode()) % 3:
                case.path_parameters[name] = world["path"].get(name, value)
    case.call_and_validate(headers=world["headers"])


def test_health_checks_named_exist():
    """The health checks suppressed above are real names (a typo would silently suppress nothing)."""
    assert {"too_slow", "filter_too_much", "data_too_large"} <= {h.name for h in HealthCheck}

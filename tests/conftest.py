"""Shared fixtures: reference data, organisations and the named personas of every access test.

Personas (see docs/access.md):
  officer            secretariat officer of the provider (WIPO-like)
  other_officer      secretariat officer of another provider
  focal_point        focal point of a requesting member state
  other_focal_point  focal point of another member state
  expert             an expert on the provider's roster (assigned, where a record has assignments)
  unassigned_expert  an expert on the roster who is not assigned
  participant        a participant from a national institution
  partner            staff of a partner agency
  anonymous          not signed in
"""

import uuid

import psycopg
import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.utils import translation

from ipassist.core.demo import load_vocabularies
from ipassist.core.models import Membership, Organisation
from ipassist.core.reference import sync_reference
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

PERSONAS = [
    "officer",
    "other_officer",
    "focal_point",
    "other_focal_point",
    "expert",
    "unassigned_expert",
    "participant",
    "partner",
    "anonymous",
]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Countries, regions and vocabularies are reference data: loaded once per test database."""
    with django_db_blocker.unblock():
        sync_reference()
        load_vocabularies()


@pytest.fixture(autouse=True)
def english():
    """Each test starts in English: a request leaves its language active for reverse() afterwards."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def empty_cache():
    """The cache (sign-in throttling, later cached aggregates) starts empty in every test."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def provider(db):
    return OrganisationFactory(
        slug="provider", name_en="World Provider", acronym_en="WP", kind=Organisation.Kind.PROVIDER
    )


@pytest.fixture
def other_provider(db):
    return OrganisationFactory(
        slug="other-provider", name_en="Other Provider", kind=Organisation.Kind.PROVIDER
    )


@pytest.fixture
def state(db):
    return OrganisationFactory(
        slug="state-ke", name_en="Government of Kenya", kind=Organisation.Kind.GOVERNMENT, country_id="KE"
    )


@pytest.fixture
def other_state(db):
    return OrganisationFactory(
        slug="state-vn", name_en="Government of Viet Nam", kind=Organisation.Kind.GOVERNMENT, country_id="VN"
    )


@pytest.fixture
def agency(db):
    return OrganisationFactory(
        slug="agency", name_en="Customs Agency", kind=Organisation.Kind.PARTNER_AGENCY, country_id="US"
    )


def _member(email, organisation, role):
    user = UserFactory(email=email)
    MembershipFactory(user=user, organisation=organisation, role=role)
    return user


@pytest.fixture
def officer(provider):
    return _member("officer@example.org", provider, Membership.Role.OFFICER)


@pytest.fixture
def other_officer(other_provider):
    return _member("other.officer@example.org", other_provider, Membership.Role.OFFICER)


@pytest.fixture
def focal_point(state):
    return _member("focal@example.org", state, Membership.Role.FOCAL_POINT)


@pytest.fixture
def other_focal_point(other_state):
    return _member("other.focal@example.org", other_state, Membership.Role.FOCAL_POINT)


@pytest.fixture
def expert(provider):
    return _member("expert@example.org", provider, Membership.Role.EXPERT)


@pytest.fixture
def unassigned_expert(provider):
    return _member("expert2@example.org", provider, Membership.Role.EXPERT)


@pytest.fixture
def participant(state):
    return _member("participant@example.org", state, Membership.Role.PARTICIPANT)


@pytest.fixture
def partner(agency):
    return _member("partner@example.org", agency, Membership.Role.PARTNER)


@pytest.fixture
def anonymous():
    return None


@pytest.fixture
def client_as(request, db):
    """``client_as("officer")``: a test client signed in as that persona (anonymous: signed out)."""

    def make(persona: str) -> Client:
        client = Client()
        user = request.getfixturevalue(persona)
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture
def fresh_database_url(tmp_path):
    """A new, empty database of the suite's backend, for subprocesses that need real concurrent
    transactions (the test database is wrapped in one transaction per test)."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'concurrency.sqlite3'}"
        return
    db = settings.DATABASES["default"]
    name = f"ipassist_concurrency_{uuid.uuid4().hex[:8]}"
    admin = {"host": db["HOST"], "port": db["PORT"] or 5432, "user": db["USER"], "dbname": "postgres"}
    if db.get("PASSWORD"):
        admin["password"] = db["PASSWORD"]
    with psycopg.connect(**admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    yield f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{name}"
    with psycopg.connect(**admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

"""`ipassist demo` loads the seeds' organisations, personas and programmes; loading again changes nothing."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from ipassist.casework.models import AssistanceRequest, Document
from ipassist.catalogue.models import Programme, ProgrammeVersion
from ipassist.core.models import AuditEntry, Membership, Organisation, RegionGrouping, User

pytestmark = pytest.mark.django_db


def state():
    return {
        "organisations": list(Organisation.objects.order_by("slug").values()),
        "users": list(
            User.objects.order_by("email").values("email", "password", "full_name", "is_superuser")
        ),
        "memberships": list(
            Membership.objects.order_by("pk").values("user__email", "organisation__slug", "role")
        ),
        "programmes": list(Programme.objects.order_by("slug").values()),
        "versions": list(ProgrammeVersion.objects.order_by("pk").values()),
        "groupings": [
            (g.code, sorted(g.countries.values_list("code", flat=True)))
            for g in RegionGrouping.objects.order_by("code")
        ],
        "requests": list(AssistanceRequest.objects.order_by("pk").values("reference", "state", "title")),
        "documents": list(Document.objects.order_by("pk").values("name", "sha256")),
        "audit": AuditEntry.objects.count(),
    }


@override_settings(DEBUG=True)
def test_demo_loads_and_is_idempotent():
    out = StringIO()
    call_command("demo", stdout=out)
    first = state()
    assert "officer@wipo.example" in out.getvalue()
    assert "password for all: ipassist-demo" in out.getvalue()
    again = StringIO()
    call_command("demo", stdout=again)
    assert "Demo data: 0 change(s)." in again.getvalue()
    assert state() == first


@override_settings(DEBUG=True)
def test_demo_content_follows_the_seeds():
    call_command("demo", stdout=StringIO())
    cdip = Programme.objects.filter(slug__startswith="cdip-")
    assert cdip.count() == 12  # every programme of the annex of CDIP/2/INF/1
    assert Programme.objects.filter(provider__slug="interpol").count() == 5
    assert set(Programme.objects.filter(slug__startswith="wipo-brip").values_list("slug", flat=True)) == {
        "wipo-brip-training",
        "wipo-brip-legislative-assistance",
        "wipo-brip-case-books",
    }
    assert Organisation.objects.get(slug="kr-mcst").country_id == "KR"
    personas = set(Membership.objects.values_list("role", flat=True))
    assert personas == {r.value for r in Membership.Role}
    arab = RegionGrouping.objects.get(code="arab").countries.values_list("code", flat=True)
    africa = RegionGrouping.objects.get(code="africa").countries.values_list("code", flat=True)
    assert "KW" in arab and "MA" in arab and "KE" in africa and "MA" not in africa


@override_settings(DEBUG=True)
def test_demo_users_can_sign_in(client):
    call_command("demo", stdout=StringIO())
    response = client.post("/en/sign-in/", {"username": "Officer@WIPO.example", "password": "ipassist-demo"})
    assert response.status_code == 302


def test_demo_refuses_without_debug():
    with pytest.raises(CommandError, match="DEBUG=1"):
        call_command("demo", stdout=StringIO())
    assert not User.objects.exists()


@override_settings(DEBUG=True)
def test_demo_requests_span_the_workflow_and_carry_a_real_draft_law():
    call_command("demo", stdout=StringIO())
    states = set(AssistanceRequest.objects.values_list("state", flat=True))
    assert {"draft", "submitted", "info_requested", "in_progress", "closed", "declined"} <= states
    legislative = AssistanceRequest.objects.filter(kind="legislative", documents__isnull=False).distinct()
    assert legislative.count() == 2
    document = Document.objects.get(name="us-enforcement-provisions.txt")
    assert document.kind == "txt"
    # The case has a lead officer and an expert who accepted the undertaking.
    case = document.request
    assert case.lead_officer.email == "officer@wipo.example"
    assert case.assignments.get().undertaking_accepted_at is not None

"""The inbox export, as CSV and XLSX: the rows the page lists for that user under the same filters,
audited, header in the interface language, text never a formula."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ipassist.casework.models import Assignment, AssistanceRequest
from ipassist.core.models import AuditEntry
from tests.exports import as_csv, csv_rows, workbook, xlsx_rows
from tests.factories import AssistanceRequestFactory, OrganisationFactory

ON_FILE = {"officer", "focal_point", "expert"}
DENIED = ["other_officer", "other_focal_point", "unassigned_expert", "participant", "partner"]
FORMATS = ["csv", "xlsx"]


def export(client, fmt: str, **params):
    return client.get(reverse("casework:export", kwargs={"fmt": fmt}), params)


def rows_of(response, fmt: str) -> list[list[str]]:
    return csv_rows(response) if fmt == "csv" else as_csv(xlsx_rows(response))


def listed(client, **params) -> list[str]:
    page = client.get(reverse("casework:list"), params).context["page"]
    return [case.reference for case in page.object_list]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("persona", ["officer", "focal_point", "expert", *DENIED])
def test_each_persona_gets_only_what_they_see(client_as, case, other_state, fmt, persona):
    theirs = AssistanceRequestFactory(provider=case.provider, requester=other_state, title="Viet Nam file")
    response = export(client_as(persona), fmt)
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="requests.{fmt}"'
    references = [row[0] for row in rows_of(response, fmt)[1:]]
    expected = {
        "officer": [case.reference, theirs.reference],
        "focal_point": [case.reference],
        "expert": [case.reference],
        "other_focal_point": [theirs.reference],
    }.get(persona, [])
    assert sorted(references) == sorted(expected)
    assert references == listed(client_as(persona))  # the page's rows, in the page's order
    assert AuditEntry.objects.filter(action="request.exported", data__count=len(expected)).count() == 1


@pytest.mark.parametrize("fmt", FORMATS)
def test_anonymous_is_sent_to_sign_in(client, case, fmt):
    response = export(client, fmt)
    assert response.status_code == 302 and response["Location"].startswith(reverse("core:login"))
    assert not AuditEntry.objects.filter(action="request.exported").exists()


@pytest.mark.parametrize("fmt", FORMATS)
def test_filters_are_those_of_the_page(client_as, provider, state, officer, fmt):
    peru = OrganisationFactory(slug="pe", kind="government", country_id="PE")
    now = timezone.now()
    old = AssistanceRequestFactory(provider=provider, requester=state, submitted_at=now - timedelta(days=120))
    recent = AssistanceRequestFactory(
        provider=provider, requester=peru, kind="training", submitted_at=now - timedelta(days=3)
    )
    accepted = AssistanceRequestFactory(
        provider=provider, requester=peru, state=AssistanceRequest.State.ACCEPTED, lead_officer=officer
    )
    client = client_as("officer")
    for params, expected in [
        ({"state": "accepted"}, {accepted.reference}),
        ({"kind": "training"}, {recent.reference}),
        ({"country": "PE"}, {recent.reference, accepted.reference}),
        ({"region": "002"}, {old.reference}),
        ({"age": "91-"}, {old.reference}),
        ({"assignee": officer.pk}, {accepted.reference}),
        ({"q": old.reference}, {old.reference}),
        (
            {"kind": "nonsense"},
            {old.reference, recent.reference, accepted.reference},
        ),  # ignored, as on the page
    ]:
        references = [row[0] for row in rows_of(export(client, fmt, **params), fmt)[1:]]
        assert set(references) == expected, params
        assert references == listed(client, **params), params


def test_both_formats_carry_the_same_rows(client_as, case, officer, expert):
    AssistanceRequestFactory(
        provider=case.provider,
        requester=case.requester,
        title='=HYPERLINK("http://evil.example")',
        lead_officer=officer,
        submitted_at=timezone.now() - timedelta(days=5),
    )
    client = client_as("officer")
    from_csv = csv_rows(export(client, "csv"))
    from_xlsx = xlsx_rows(export(client, "xlsx"))
    assert len(from_csv) == 3
    assert as_csv(from_xlsx) == from_csv
    evil = next(row for row in from_xlsx if row[1].startswith("=HYPERLINK"))
    assert isinstance(evil[8], int)  # days in this state: a number
    assert evil[7].date() == timezone.localdate() - timedelta(days=5)  # submitted: a date
    ours = next(row for row in from_csv if row[0] == case.reference)
    assert ours[10] == expert.full_name  # the assigned experts


def test_xlsx_cell_of_a_hostile_title_is_text(client_as, case):
    AssistanceRequest.objects.filter(pk=case.pk).update(title="=1+2")
    sheet = workbook(export(client_as("officer"), "xlsx")).active
    assert (sheet["B2"].value, sheet["B2"].data_type) == ("=1+2", "s")


@pytest.mark.parametrize("fmt", FORMATS)
def test_header_in_the_language_of_the_page(client_as, case, fmt):
    response = client_as("officer").get(f"/fr/requests/export.{fmt}")
    header, row = rows_of(response, fmt)
    assert header[:3] == ["Référence", "Objet", "Statut"]
    assert row[2] == "Soumise"  # the state label too


def test_the_page_links_both_formats_with_its_filters(client_as, case):
    body = client_as("officer").get(reverse("casework:list"), {"kind": "legislative", "page": "1"}).content
    body = body.decode()
    assert 'href="/en/requests/export.csv?kind=legislative"' in body
    assert 'href="/en/requests/export.xlsx?kind=legislative"' in body


def test_the_old_csv_address_still_answers(client_as, case):
    response = client_as("officer").get("/en/requests/export.csv")
    assert response.status_code == 200
    assert [row[0] for row in csv_rows(response)[1:]] == [case.reference]


@pytest.mark.parametrize("fmt", FORMATS)
def test_queries_do_not_grow_with_the_rows(client_as, provider, state, officer, expert, fmt):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            rows_of(export(client, fmt), fmt)
        return len(captured)

    client = client_as("officer")
    for case in AssistanceRequestFactory.create_batch(
        2, provider=provider, requester=state, lead_officer=officer
    ):
        Assignment.objects.create(request=case, expert=expert, assigned_by=officer)
    few = queries()
    for case in AssistanceRequestFactory.create_batch(
        30, provider=provider, requester=state, lead_officer=officer
    ):
        Assignment.objects.create(request=case, expert=expert, assigned_by=officer)
    assert queries() == few

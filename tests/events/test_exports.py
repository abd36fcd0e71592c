"""Exports of the register, of an activity's participants and of its attendance sheet, as CSV and
XLSX: what the page shows that user, under the page's filters; personal data for organisers only,
and audited."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ipassist.core.models import AuditEntry
from ipassist.events.models import Attendance, Participant
from tests.exports import as_csv, csv_rows, workbook, xlsx_rows
from tests.factories import ActivityFactory, ParticipantFactory

INVOLVED = {"officer", "focal_point", "participant", "expert"}
OUTSIDERS = ["other_officer", "other_focal_point", "unassigned_expert", "partner"]
EVERYONE = ["officer", "focal_point", "participant", "expert", *OUTSIDERS, "anonymous"]
FORMATS = ["csv", "xlsx"]


def rows_of(response, fmt: str) -> list[list[str]]:
    assert response.status_code == 200
    return csv_rows(response) if fmt == "csv" else as_csv(xlsx_rows(response))


def register(client, fmt: str, **params):
    return client.get(reverse("events:export", kwargs={"fmt": fmt}), params)


def register_page(client, **params) -> list[str]:
    return [a.title for a in client.get(reverse("events:list"), params).context["page"].object_list]


# --- the register ----------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("persona", EVERYONE)
def test_register_export_is_what_the_register_shows(
    client_as, activity, public_activity, draft_activity, persona, fmt
):
    client = client_as(persona)
    response = register(client, fmt)
    assert response["Content-Disposition"] == f'attachment; filename="activities.{fmt}"'
    titles = [row[0] for row in rows_of(response, fmt)[1:]]
    expected = {public_activity.title_en}
    if persona in INVOLVED:
        expected.add(activity.title_en)  # private: its organisers and those taking part
    if persona == "officer":
        expected.add(draft_activity.title_en)  # in preparation: its organisers only
    assert set(titles) == expected
    assert titles == register_page(client)


@pytest.mark.parametrize("fmt", FORMATS)
def test_register_export_applies_the_filters(client, provider, fmt):
    long_ago = timezone.localdate() - timedelta(days=400)
    past = ActivityFactory(
        provider=provider, is_public=True, title_en="Past Colloquium", country_id="FR",
        start_date=long_ago, end_date=long_ago + timedelta(days=1),
    )  # fmt: skip
    upcoming = ActivityFactory(
        provider=provider, is_public=True, title_en="Upcoming Workshop", country_id="PE"
    )
    for params, expected in [
        ({"when": "upcoming"}, [upcoming.title_en]),
        ({"when": "past"}, [past.title_en]),
        ({"region": "150"}, [past.title_en]),  # Europe
        ({"q": "workshop"}, [upcoming.title_en]),
        ({"year": str(long_ago.year)}, [past.title_en]),
        ({"year": "not a year"}, [upcoming.title_en, past.title_en]),  # ignored, as on the page
    ]:
        titles = [row[0] for row in rows_of(register(client, fmt, **params), fmt)[1:]]
        assert titles == expected, params
        assert titles == register_page(client, **params), params


def test_register_export_columns_and_formats_agree(client_as, activity, public_activity, other_provider):
    public_activity.co_organisers.add(other_provider)
    client = client_as("officer")
    from_csv = csv_rows(register(client, "csv"))
    from_xlsx = xlsx_rows(register(client, "xlsx"))
    assert as_csv(from_xlsx) == from_csv
    assert from_csv[0][:3] == ["Title", "Type", "Level"]
    row = next(r for r in from_xlsx if r[0] == public_activity.title_en)
    assert row[3].date() == public_activity.start_date and row[4].date() == public_activity.end_date
    assert row[5] == "Nairobi, Kenya"
    assert row[7] == "Yes" and row[8] == public_activity.provider.display_name
    assert row[9] == other_provider.display_name
    private = next(r for r in from_csv if r[0] == activity.title_en)
    assert private[7] == "No"


@pytest.mark.parametrize("fmt", FORMATS)
def test_register_export_in_french(client, public_activity, fmt):
    public_activity.title_fr = "Séminaire public"
    public_activity.save()
    header, row = rows_of(client.get(f"/fr/events/export.{fmt}"), fmt)
    assert header[1:3] == ["Type", "Niveau"] and header[6] == "Statut"
    assert row[0] == "Séminaire public" and row[2] == "National" and row[7] == "Oui"


def test_register_links_both_formats_with_its_filters(client, public_activity):
    body = client.get(reverse("events:list"), {"when": "upcoming", "page": "1"}).content.decode()
    assert 'href="/en/events/export.csv?when=upcoming"' in body
    assert 'href="/en/events/export.xlsx?when=upcoming"' in body


# --- participants ----------------------------------------------------------------------------------


def participants(client, activity, fmt: str, **params):
    return client.get(reverse("events:participants_export", kwargs={"pk": activity.pk, "fmt": fmt}), params)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("persona", EVERYONE)
def test_participants_export_is_for_organisers_only(client_as, activity, persona, fmt):
    """The participant and the focal point see their own rows on the page, but the export of the
    list is the organisers'; everyone else gets 404 (or the sign-in page), and nothing is logged."""
    response = participants(client_as(persona), activity, fmt)
    if persona == "officer":
        assert [row[0] for row in rows_of(response, fmt)[1:]] == ["Odhiambo"]
        assert AuditEntry.objects.filter(action="activity.participants_viewed", data__export=1).exists()
        return
    assert response.status_code == (302 if persona == "anonymous" else 404)
    assert b"Odhiambo" not in response.content
    assert not AuditEntry.objects.filter(action="activity.participants_viewed").exists()


@pytest.mark.parametrize("fmt", FORMATS)
def test_participants_export_applies_the_page_filters(client_as, activity, fmt):
    ParticipantFactory(activity=activity, family_name="Kamau", status=Participant.Status.PENDING)
    ParticipantFactory(activity=activity, family_name="Tran", organisation_name="Supreme People's Court")
    client = client_as("officer")
    for params, expected in [
        ({}, ["Kamau", "Odhiambo", "Tran"]),
        ({"status": "pending"}, ["Kamau"]),
        ({"status": "approved"}, ["Odhiambo", "Tran"]),
        ({"q": "supreme"}, ["Tran"]),
        ({"status": "approved", "q": "odhiambo"}, ["Odhiambo"]),
        ({"status": "bogus"}, ["Kamau", "Odhiambo", "Tran"]),  # ignored, as on the page
    ]:
        names = [row[0] for row in rows_of(participants(client, activity, fmt, **params), fmt)[1:]]
        assert names == expected, params
        page = client.get(reverse("events:participants", args=[activity.pk]), params).context["page"]
        assert names == [p.family_name for p in page.object_list], params
    exports = AuditEntry.objects.filter(action="activity.participants_viewed", data__has_key="export")
    assert sorted(e.data["export"] for e in exports) == [1, 1, 1, 2, 3, 3]


def test_participants_both_formats_agree_and_are_safe(client_as, activity):
    ParticipantFactory(activity=activity, given_name="=HYPERLINK(1)", family_name="Smith")
    ParticipantFactory(activity=activity, given_name="ليلى", family_name="الحسيني 🌍")
    client = client_as("officer")
    from_csv = csv_rows(participants(client, activity, "csv"))
    book = workbook(participants(client, activity, "xlsx"))
    assert as_csv([list(r) for r in book.active.iter_rows(values_only=True)]) == from_csv
    assert any(row[1] == "'=HYPERLINK(1)" for row in from_csv)
    cells = [c for row in book.active.iter_rows() for c in row if c.value == "=HYPERLINK(1)"]
    assert len(cells) == 1 and cells[0].data_type == "s"
    assert ["الحسيني 🌍", "ليلى"] in [row[:2] for row in from_csv]


def test_participants_page_links_both_formats_with_its_filters(client_as, activity):
    url = reverse("events:participants", args=[activity.pk])
    body = client_as("officer").get(url, {"status": "approved", "q": "x"}).content.decode()
    query = "?status=approved&amp;q=x"
    assert f'href="/en/events/{activity.pk}/participants.csv{query}"' in body
    assert f'href="/en/events/{activity.pk}/participants.xlsx{query}"' in body
    # the participant sees their own row on that page, and no export link
    body = client_as("participant").get(url).content.decode()
    assert "Odhiambo" in body and "participants.xlsx" not in body


# --- the attendance sheet --------------------------------------------------------------------------


def attendance(client, activity, fmt: str):
    return client.get(reverse("events:attendance_export", kwargs={"pk": activity.pk, "fmt": fmt}))


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("persona", EVERYONE)
def test_attendance_export_is_for_organisers_only(client_as, activity, persona, fmt):
    response = attendance(client_as(persona), activity, fmt)
    if persona == "officer":
        assert rows_of(response, fmt)[1][0] == "Odhiambo"
        assert AuditEntry.objects.filter(
            action="activity.participants_viewed", data__sheet="attendance", data__export=1
        ).exists()
    else:
        assert response.status_code == (302 if persona == "anonymous" else 404)
        assert not AuditEntry.objects.filter(action="activity.participants_viewed").exists()


def test_attendance_export_has_a_column_per_day(client_as, activity, officer):
    amina = activity.participants.get(family_name="Odhiambo")
    pending = ParticipantFactory(activity=activity, family_name="Kamau", status=Participant.Status.PENDING)
    other = ParticipantFactory(activity=activity, family_name="Tran")
    first, second, third = activity.days
    for person, day in [(amina, first), (amina, third), (other, second)]:
        Attendance.objects.create(participant=person, day=day, recorded_by=officer)
    rows = xlsx_rows(attendance(client_as("officer"), activity, "xlsx"))
    assert rows[0][4:] == [first.isoformat(), second.isoformat(), third.isoformat(), "Days present"]
    by_name = {row[0]: row for row in rows[1:]}
    assert pending.family_name not in by_name  # approved participants only, as on the sheet
    assert by_name["Odhiambo"][4:] == [1, 0, 1, 2]
    assert by_name["Tran"][4:] == [0, 1, 0, 1]
    assert as_csv(rows) == csv_rows(attendance(client_as("officer"), activity, "csv"))


def test_attendance_sheet_links_both_formats(client_as, activity):
    body = client_as("officer").get(reverse("events:attendance", args=[activity.pk])).content.decode()
    assert f'href="/en/events/{activity.pk}/attendance.csv"' in body
    assert f'href="/en/events/{activity.pk}/attendance.xlsx"' in body


@pytest.mark.parametrize("fmt", FORMATS)
def test_register_queries_do_not_grow_with_the_rows(client, provider, other_provider, fmt):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            rows_of(register(client, fmt), fmt)
        return len(captured)

    for activity in ActivityFactory.create_batch(2, provider=provider, is_public=True):
        activity.co_organisers.add(other_provider)
    few = queries()
    for activity in ActivityFactory.create_batch(30, provider=provider, is_public=True):
        activity.co_organisers.add(other_provider)
    assert queries() == few

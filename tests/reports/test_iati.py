"""IATI 2.03 activity XML of the public register: valid against the official schema, right values,
nothing private, streamed in a fixed number of queries, and the download and the command around it."""

import os
import signal
import xml.etree.ElementTree as ET
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, ManagementUtility, call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from ipassist.core.models import ActivityType, AudienceType, Organisation, Topic
from ipassist.events.models import Activity, ActivityDocument, Invitation
from ipassist.reports import iati
from tests.casework.conftest import all_files
from tests.core.test_settings import start
from tests.factories import ActivityFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
BASE = "https://assist.example.org"
ODD_TITLE = "Séminaire\x01 en ligne\x1f 🙂 e\u0301 \u202eRTL\u202c <b>&amp; \"q\" 'q'\x7f\x0b"


@pytest.fixture(autouse=True)
def clean_storage():
    for name in all_files("events"):
        default_storage.delete(name)


@pytest.fixture(autouse=True)
def public_base(settings):
    settings.PUBLIC_BASE_URL = BASE
    settings.IATI_ORGANISATION_PREFIX = "XX-TEST"


def today():
    return timezone.localdate()


def add_document(activity, audience, name, content_type="application/pdf", description=""):
    doc = ActivityDocument(
        activity=activity, audience=audience, name=name, kind=name.rsplit(".", 1)[-1],
        content_type=content_type, size=4, sha256="0" * 64, description=description,
    )  # fmt: skip
    doc.file.save("x", SimpleUploadedFile("x", b"data"), save=True)
    return doc


def terms(model, *codes):
    return list(model.objects.filter(code__in=codes))


@pytest.fixture
def lead(db):
    return OrganisationFactory(
        slug="lead", kind=Organisation.Kind.PROVIDER, iati_identifier="XI-IATI-TEST-LEAD",
        name_en="Lead Provider", name_fr="Fournisseur principal", name_ar="المزود الرئيسي",
    )  # fmt: skip


@pytest.fixture
def varied(lead, provider, state, other_state):
    """Public activities of every kind, and private ones that must never appear."""
    d = today()
    ministry = OrganisationFactory(
        slug="kr-ministry", kind=Organisation.Kind.CO_ORGANISER, name_en="Ministry", country_id="KR"
    )
    national = ActivityFactory(
        provider=lead, is_public=True, level=Activity.Level.NATIONAL, country_id="KE",
        start_date=d - timedelta(days=20), end_date=d - timedelta(days=18),
        title_en="National Workshop", title_fr="Atelier national", title_es="Taller nacional",
        title_ar="حلقة عمل وطنية بشأن إنفاذ الملكية الفكرية",
        description_en="For judges & customs <officers>.", description_fr="Pour les juges.",
        description_es="", description_ar="",
        working_languages=["fr"],
    )  # fmt: skip
    national.co_organisers.set([state, ministry])
    national.topics.set(terms(Topic, "enforcement", "border_measures"))
    national.audiences.set(terms(AudienceType, "judiciary", "customs"))
    programme = add_document(national, "public", "programme.pdf", description="Programme of the workshop")
    ActivityDocument.objects.filter(pk=programme.pk).update(
        uploaded_at=timezone.now() - timedelta(days=40)
    )  # before the first day: objectives
    slides = add_document(
        national, "public", "slides.pptx",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    )  # fmt: skip
    add_document(national, "participants", "PARTICIPANTS-ONLY.pdf")
    add_document(national, "organisers", "ORGANISERS-ONLY.pdf")

    online = ActivityFactory(
        provider=provider, is_public=True, level=Activity.Level.REGIONAL, country_id=None, city="",
        online=True,
        start_date=d + timedelta(days=30), end_date=d + timedelta(days=31), title_en=ODD_TITLE,
        description_en="", kind=ActivityType.objects.get(code="distance_learning"),
        working_languages=["en", "fr"],
    )  # fmt: skip
    online.topics.set(terms(Topic, "copyright"))  # maps to no sector
    Invitation.objects.create(activity=online, organisation=state)  # Kenya: Eastern Africa
    tanzania = OrganisationFactory(slug="tz", kind=Organisation.Kind.GOVERNMENT, country_id="TZ")
    Invitation.objects.create(activity=online, organisation=tanzania)
    add_document(online, "public", "guide.pdf", "bogus type; x=1")

    cancelled = ActivityFactory(
        provider=lead, is_public=True, status=Activity.Status.CANCELLED, country_id="VN",
        start_date=d - timedelta(days=5), end_date=d - timedelta(days=3), title_en="Cancelled Seminar",
        kind=ActivityType.objects.get(code="seminar"), level=Activity.Level.INTERNATIONAL,
    )  # fmt: skip
    ongoing = ActivityFactory(
        provider=lead, is_public=True, country_id="PE", start_date=d - timedelta(days=1),
        end_date=d + timedelta(days=1), title_en="Ongoing Mission",
        kind=ActivityType.objects.get(code="expert_mission"),
    )  # fmt: skip
    evaluating = ActivityFactory(
        provider=lead, is_public=True, country_id="MA", start_date=d - timedelta(days=9),
        end_date=d - timedelta(days=8), title_en="Past Course Under Evaluation", evaluation_open=True,
    )  # fmt: skip

    private = ActivityFactory(provider=lead, is_public=False, title_en="PRIVATE-SECRET activity")
    add_document(private, "public", "PRIVATE-ACTIVITY-PUBLIC-DOC.pdf")
    draft = ActivityFactory(
        provider=lead, is_public=True, status=Activity.Status.DRAFT, title_en="DRAFT-SECRET activity"
    )
    add_document(draft, "public", "DRAFT-ACTIVITY-PUBLIC-DOC.pdf")
    return {
        "national": national,
        "online": online,
        "cancelled": cancelled,
        "ongoing": ongoing,
        "evaluating": evaluating,
        "private": private,
        "draft": draft,
        "programme": programme,
        "slides": slides,
        "ministry": ministry,
    }


def export(**kwargs) -> bytes:
    return iati.xml_bytes(**kwargs)


def parse(xml: bytes) -> ET.Element:
    return ET.fromstring(xml)  # noqa: S314 — our own output, not untrusted input


def by_identifier(xml: bytes) -> dict[str, ET.Element]:
    root = parse(xml)
    assert root.tag == "iati-activities"
    return {a.findtext("iati-identifier"): a for a in root.findall("iati-activity")}


def ident(activity) -> str:
    return iati.activity_identifier(activity)


def narratives(element) -> dict[str, str]:
    return {n.get(XML_LANG, "en"): n.text for n in element.findall("narrative")}


# --- the schema --------------------------------------------------------------------------------


def test_varied_activities_validate_against_the_official_schema(varied):
    xml = export()
    assert iati.validate(xml) == []
    assert iati._libxml2_errors(xml) == []  # each of the two validators on its own
    assert iati._xmlschema_errors(xml, limit=10) == []
    root = parse(xml)
    assert root.get("version") == "2.03"
    assert root.get("generated-datetime")


def test_a_broken_document_fails_validation(varied):
    xml = export()
    root = parse(xml)
    first = root.find("iati-activity")
    first.remove(first.find("reporting-org"))  # required
    errors = iati.validate(ET.tostring(root))
    assert errors[0].startswith("/iati-activities/iati-activity[1]: ") and "reporting-org" in errors[0]

    root = parse(xml)
    first = root.find("iati-activity")
    status = first.find("activity-status")
    first.remove(status)
    first.insert(1, status)  # out of the schema's order
    assert iati.validate(ET.tostring(root))

    root = parse(xml)
    for activity in root.findall("iati-activity"):
        root.remove(activity)  # at least one activity is required
    assert iati.validate(ET.tostring(root))

    assert iati.validate(b"<iati-activities version='2.03'><iati-activity>")[0].startswith("not well-formed")


@pytest.mark.parametrize(
    "damage",
    [
        lambda xml: xml[: len(xml) // 2],  # truncated
        lambda xml: xml[:-5],
        lambda xml: xml.replace(b"</title>", b"</titel>", 1),
        lambda xml: xml.replace(b"<narrative>", b"<narrative>\x01", 1),  # a control character
        lambda xml: xml.replace(b"<narrative>", b"<narrative>&undefined;", 1),
        lambda xml: xml + b"<another-root/>",
        lambda xml: b"",
        lambda xml: xml.replace(b'encoding="UTF-8"', b'encoding="ascii"', 1),  # Arabic is not ASCII
        lambda xml: (
            b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            + xml[xml.index(b"<iati-activities") :].replace(b"<narrative>", b"<narrative>&x;", 1)
        ),
    ],
)
def test_damaged_documents_never_validate(varied, damage):
    assert iati.validate(damage(export()))
    assert iati._libxml2_errors(damage(export()))  # the fast stage catches them on its own


def test_what_libxml2_refuses_is_never_reported_valid(varied, monkeypatch):
    broken = export().replace(b'<activity-status code="', b'<activity-status codes="', 1)
    monkeypatch.setattr(iati, "_xmlschema_errors", lambda source, limit: [])
    errors = iati.validate(broken)
    assert errors and "code" in errors[0]


def test_validate_reads_a_file(varied, tmp_path):
    good = tmp_path / "good.xml"
    good.write_bytes(export())
    assert iati.validate(good) == []
    bad = tmp_path / "bad.xml"
    bad.write_bytes(good.read_bytes().replace(b"<iati-identifier>", b"<iati-identifer>", 1))
    assert iati.validate(str(bad))


def test_the_schema_is_shipped_with_the_package():
    names = {p.name for p in iati.SCHEMA_DIR.iterdir()}
    assert {"iati-activities-schema.xsd", "iati-common.xsd", "xml.xsd", "LICENSE", "README.md"} <= names
    assert iati.get_schema() is iati.get_schema()  # parsed once


# --- what is published -------------------------------------------------------------------------


def test_only_public_announced_or_cancelled_activities_and_public_documents(varied):
    xml = export()
    published = set(by_identifier(xml))
    expected = {ident(varied[k]) for k in ("national", "online", "cancelled", "ongoing", "evaluating")}
    assert published == expected
    for secret in (b"PRIVATE-SECRET", b"DRAFT-SECRET", b"PARTICIPANTS-ONLY", b"ORGANISERS-ONLY",
                   b"PRIVATE-ACTIVITY-PUBLIC-DOC", b"DRAFT-ACTIVITY-PUBLIC-DOC"):  # fmt: skip
        assert secret not in xml
    for private in ("private", "draft"):
        assert f"/events/{varied[private].pk}/".encode() not in xml
    assert b"XX-TEST-tz" not in xml  # invited states are not published


def test_identifiers_and_organisations(varied, provider, state):
    activities = by_identifier(export())
    national = activities[f"XI-IATI-TEST-LEAD-ACT-{varied['national'].pk}"]
    reporting = national.find("reporting-org")
    assert (reporting.get("ref"), reporting.get("type")) == ("XI-IATI-TEST-LEAD", "40")
    assert narratives(reporting) == {
        "en": "Lead Provider",
        "fr": "Fournisseur principal",
        "ar": "المزود الرئيسي",
    }
    roles = [(o.get("ref"), o.get("role"), o.get("type")) for o in national.findall("participating-org")]
    assert roles == [
        ("XI-IATI-TEST-LEAD", "2", "40"),
        ("XI-IATI-TEST-LEAD", "3", "40"),
        ("XI-IATI-TEST-LEAD", "4", "40"),
        ("XX-TEST-state-ke", "4", "10"),  # Government of Kenya, no IATI identifier: the fallback
        ("XX-TEST-kr-ministry", "4", "90"),
    ]
    online = activities[f"XX-TEST-provider-ACT-{varied['online'].pk}"]
    assert online.find("reporting-org").get("ref") == "XX-TEST-provider"


def test_titles_and_descriptions_in_every_language(varied):
    activities = by_identifier(export())
    national = activities[ident(varied["national"])]
    assert national.get(XML_LANG) == "en"
    assert narratives(national.find("title")) == {
        "en": "National Workshop",
        "fr": "Atelier national",
        "es": "Taller nacional",
        "ar": "حلقة عمل وطنية بشأن إنفاذ الملكية الفكرية",
    }
    description = national.find("description")
    assert description.get("type") == "1"
    assert narratives(description) == {"en": "For judges & customs <officers>.", "fr": "Pour les juges."}

    online = activities[ident(varied["online"])]
    title = online.find("title/narrative").text
    assert title == "Séminaire en ligne 🙂 e\u0301 \u202eRTL\u202c <b>&amp; \"q\" 'q'"  # controls gone
    summary = online.find("description/narrative").text  # no description: one is made up
    assert "Distance" in summary and "online" in summary


def test_status_and_dates(varied):
    activities = by_identifier(export())
    d = today()

    def dates(key):
        return {
            (e.get("type"), e.get("iso-date"))
            for e in activities[ident(varied[key])].findall("activity-date")
        }

    def status(key):
        return activities[ident(varied[key])].find("activity-status").get("code")

    national = varied["national"]
    assert status("national") == "4"  # closed
    assert dates("national") == {
        ("1", national.start_date.isoformat()),
        ("2", national.start_date.isoformat()),
        ("3", national.end_date.isoformat()),
        ("4", national.end_date.isoformat()),
    }
    assert status("online") == "1"  # pipeline
    assert {t for t, _d in dates("online")} == {"1", "3"}
    assert status("cancelled") == "5"
    assert {t for t, _d in dates("cancelled")} == {"1", "3"}  # never started
    assert status("ongoing") == "2"
    assert {t for t, _d in dates("ongoing")} == {"1", "2", "3"}
    assert status("evaluating") == "3"  # finalisation while the evaluation is open
    for activity in activities.values():
        for element in activity.findall("activity-date"):
            if element.get("type") in ("2", "4"):
                assert element.get("iso-date") <= d.isoformat()  # never an actual date in the future


def test_recipient_country_or_region_and_scope(varied):
    activities = by_identifier(export())
    national = activities[ident(varied["national"])]
    country = national.find("recipient-country")
    assert country.get("code") == "KE" and narratives(country)["en"] == "Kenya"
    assert national.find("recipient-region") is None
    assert national.find("activity-scope").get("code") == "4"

    online = activities[ident(varied["online"])]
    assert online.find("recipient-country") is None
    region = online.find("recipient-region")
    assert (region.get("code"), region.get("vocabulary")) == (
        "014",
        "2",
    )  # Kenya and Tanzania: Eastern Africa
    assert narratives(region)["en"] == "Eastern Africa"
    assert online.find("activity-scope").get("code") == "2"
    assert activities[ident(varied["cancelled"])].find("activity-scope").get("code") == "1"


def test_recipient_region_widens_to_what_all_invited_states_share(varied, other_state):
    Invitation.objects.create(activity=varied["online"], organisation=other_state)  # Viet Nam
    online = by_identifier(export())[ident(varied["online"])]
    assert online.find("recipient-region").get("code") == "001"  # Africa and Asia: the world


def test_sectors(varied):
    activities = by_identifier(export())

    def sectors(key):
        found = activities[ident(varied[key])].findall("sector")
        assert all(s.get("vocabulary") == "1" for s in found)
        return [(s.get("code"), int(s.get("percentage"))) for s in found]

    # topics: enforcement -> 15130, border measures -> 33120; audiences: judiciary -> 15130,
    # customs -> 33120; a workshop -> 33181: a third each; the point left over goes to the first code.
    assert sectors("national") == [("15130", 34), ("33120", 33), ("33181", 33)]
    assert sectors("online") == [("33181", 100)]  # copyright maps to nothing
    assert sectors("ongoing") == [("15130", 100)]  # an expert mission with no topic: the fallback
    for activity in activities.values():
        assert sum(int(s.get("percentage")) for s in activity.findall("sector")) == 100


@pytest.mark.parametrize(
    ("topics", "audiences", "kind", "expected"),
    [
        ([], [], None, [("15130", 100)]),
        (["enforcement"], ["judiciary"], "workshop", [("15130", 67), ("33181", 33)]),
        (["ip_policy", "smes", "legislation"], [], None, [("15130", 34), ("32130", 33), ("33110", 33)]),
        (["copyright"], ["right_holders"], "expert_mission", [("15130", 100)]),
        (["border_measures"], ["customs"], "conference", [("33120", 67), ("33181", 33)]),
    ],
)
def test_sector_shares(topics, audiences, kind, expected):
    assert iati.sector_shares(topics, audiences, kind) == expected


def test_every_mapped_sector_is_a_known_dac_code():
    used = {
        s
        for table in (iati.TOPIC_SECTORS, iati.AUDIENCE_SECTORS, iati.TYPE_SECTORS)
        for v in table.values()
        for s in v
    }
    assert used | {iati.FALLBACK_SECTOR} <= set(iati.DAC_SECTORS)
    assert {"15130", "33181"} <= used
    assert all(len(code) == 5 and code.isdigit() for code in iati.DAC_SECTORS)
    assert set(iati.TOPIC_SECTORS) <= set(Topic.objects.values_list("code", flat=True))
    assert set(iati.AUDIENCE_SECTORS) <= set(AudienceType.objects.values_list("code", flat=True))


def test_document_links(varied):
    activities = by_identifier(export())
    national = varied["national"]
    links = activities[ident(national)].findall("document-link")
    pages = [link for link in links if link.find("category").get("code") == "A12"]
    assert [(p.get("url"), p.find("language").get("code")) for p in pages] == [
        (f"{BASE}/{lang}/events/{national.pk}/", lang) for lang in ("en", "fr", "es", "ar")
    ]
    assert narratives(pages[3].find("title")) == {"ar": national.title_ar}
    files = {link.get("url"): link for link in links if link.find("category").get("code") != "A12"}
    programme = files[f"{BASE}/en/events/{national.pk}/documents/{varied['programme'].pk}/"]
    assert programme.get("format") == "application/pdf"
    assert programme.find("category").get("code") == "A02"  # published before the activity
    assert programme.find("title/narrative").text == "Programme of the workshop"
    assert programme.find("language").get("code") == "fr"  # the activity's only working language
    slides = files[f"{BASE}/en/events/{national.pk}/documents/{varied['slides'].pk}/"]
    assert slides.get("format").endswith("presentationml.presentation")
    assert slides.find("category").get("code") == "A08"
    assert len(files) == 2  # not the participants' or organisers' documents

    online = activities[ident(varied["online"])]
    online_pages = [
        link for link in online.findall("document-link") if link.find("category").get("code") == "A12"
    ]
    assert len(online_pages) == 1  # a title in English only
    guide = [link for link in online.findall("document-link") if link.find("category").get("code") != "A12"]
    assert guide[0].get("format") == "application/octet-stream"  # not a media type: the generic one
    assert guide[0].find("language") is None  # two working languages: unknown


def test_public_document_links_are_downloadable_by_anyone(client, varied):
    for link in by_identifier(export())[ident(varied["national"])].findall("document-link"):
        assert client.get(link.get("url").removeprefix(BASE)).status_code == 200


def test_clean_text_strips_what_xml_forbids():
    raw = "a\x00b\x08c\x0bd\x0ce\x1ff\x7fg\x85h\ud800i\udfffj\ufffek\uffffl\tm\nn\ro 🙂 عربي \u200f"
    cleaned = iati.clean_text(raw)
    assert cleaned == "abcdefghijkl\tm\nn\ro 🙂 عربي \u200f"
    root = ET.Element("x")
    root.text = cleaned
    parse(ET.tostring(root, encoding="utf-8"))  # parses
    assert iati.clean_text(None) == ""


def test_organisation_types():
    def org(kind, country=None):
        return Organisation(kind=kind, country_id=country, slug="x")

    assert iati.organisation_type(org(Organisation.Kind.PROVIDER)) == "40"
    assert iati.organisation_type(org(Organisation.Kind.PROVIDER, "US")) == "10"
    assert iati.organisation_type(org(Organisation.Kind.JUDICIARY, "MA")) == "15"
    assert iati.organisation_type(org(Organisation.Kind.PRIVATE_SECTOR)) == "70"
    assert all(
        iati.organisation_type(org(kind)) in {"10", "15", "40", "70", "90"} for kind in Organisation.Kind
    )


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("XM-DAC-41114", True),
        ("XI-IATI-DEMO-WIPO", True),
        ("GB-COH-01234567", True),
        ("US-EIN-12-3456789", True),
        ("XM DAC 41114", False),
        ("WIPO", False),  # no agency prefix
        ("XM-DAC-41114/1", False),
        ("-XM-DAC", False),
    ],
)
def test_organisation_iati_identifier_format(value, valid):
    field = Organisation._meta.get_field("iati_identifier")
    if valid:
        field.run_validators(value)
    else:
        with pytest.raises(ValidationError):
            field.run_validators(value)


def test_filters(varied):
    only_kenya = by_identifier(export(filters=iati.Filters(country="KE")))
    assert set(only_kenya) == {ident(varied["national"])}
    year = varied["online"].start_date.year
    in_year = by_identifier(export(filters=iati.Filters(year=year)))
    assert ident(varied["online"]) in in_year
    assert all(a.find("activity-date").get("iso-date").startswith(str(year)) for a in in_year.values())


# --- queries -----------------------------------------------------------------------------------


def test_queries_do_not_grow_with_the_number_of_activities(lead, state, django_assert_max_num_queries):
    def make(n):
        for i in range(n):
            activity = ActivityFactory(provider=lead, is_public=True, country_id=None if i % 2 else "KE")
            activity.co_organisers.set([state])
            activity.topics.set(terms(Topic, "enforcement", "piracy"))
            activity.audiences.set(terms(AudienceType, "police"))
            Invitation.objects.create(activity=activity, organisation=state)
            add_document(activity, "public", f"doc{i}.pdf")

    make(2)
    with django_assert_max_num_queries(20) as few:
        assert len(by_identifier(export())) == 2
    make(10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(by_identifier(export())) == 12
    # in chunks of 5: three chunks, each the same few queries
    with django_assert_max_num_queries(3 * len(few.captured_queries)):
        assert len(by_identifier(export(chunk_size=5))) == 12


def test_chunks_give_every_activity_once(lead):
    made = {ActivityFactory(provider=lead, is_public=True).pk for _ in range(7)}
    seen = [a.pk for rows in iati.chunks(iati.activities(), size=3) for a in rows]
    assert sorted(seen) == sorted(made) and len(seen) == 7


# --- the page and the download -----------------------------------------------------------------


def test_open_data_page(client, varied):
    response = client.get(reverse("reports:open_data"))
    assert response.status_code == 200
    body = response.content.decode()
    assert reverse("reports:iati_activities") in body
    assert "Kenya" in body  # a country to filter on
    assert "PRIVATE-SECRET" not in body
    assert client.get("/ar/open-data/").status_code == 200


def test_download_streams_valid_xml(client, varied):
    response = client.get(reverse("reports:iati_activities"))
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"].startswith("application/xml")
    xml = b"".join(response.streaming_content)
    assert iati.validate(xml) == []
    assert ident(varied["national"]) in by_identifier(xml)


def test_download_filters(client, varied):
    response = client.get(reverse("reports:iati_activities"), {"country": "ke", "year": ""})
    assert set(by_identifier(b"".join(response.streaming_content))) == {ident(varied["national"])}


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({"year": "abc"}, "year"),
        ({"year": "20155"}, "year"),
        ({"year": "١٩٩٠"}, "year"),  # digits, but not ASCII
        ({"country": "ZZ"}, "country"),
        ({"country": "Kenya"}, "country"),
        ({"country": "KE", "year": "-1"}, "year"),
    ],
)
def test_download_refuses_bad_filters(client, varied, params, words):
    response = client.get(reverse("reports:iati_activities"), params)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    assert words in response.content.decode()


def test_parse_filters():
    assert iati.parse_filters({}) == iati.Filters()
    assert iati.parse_filters({"year": " 2015 ", "country": "ke", "other": "x"}) == iati.Filters(2015, "KE")
    with pytest.raises(iati.FilterError):
        iati.parse_filters({"country": "K"})


# --- the command -------------------------------------------------------------------------------


def test_command_writes_a_valid_file(varied, tmp_path):
    target = tmp_path / "iati.xml"
    out = StringIO()
    call_command("export_iati", "-o", str(target), "--validate", stdout=out)
    assert iati.validate(target) == []
    assert "5 activities written" in out.getvalue()
    assert list(tmp_path.iterdir()) == [target]  # no temporary file left


def test_command_writes_to_standard_output(varied):
    out, err = StringIO(), StringIO()
    call_command("export_iati", "--country", "KE", stdout=out, stderr=err)
    assert set(by_identifier(out.getvalue().encode())) == {ident(varied["national"])}
    assert "1 activity written" in err.getvalue()


def test_command_validate_fails_and_leaves_the_old_file(varied, tmp_path, monkeypatch):
    target = tmp_path / "iati.xml"
    target.write_bytes(b"previous export")
    real = iati.iter_xml

    def broken(*args, **kwargs):
        for chunk in real(*args, **kwargs):
            yield chunk.replace(b"<reporting-org ", b"<reported-by ").replace(
                b"</reporting-org>", b"</reported-by>"
            )

    monkeypatch.setattr(iati, "iter_xml", broken)
    with pytest.raises(CommandError) as failure:
        call_command("export_iati", "-o", str(target), "--validate")
    assert failure.value.returncode == 1
    assert "reporting-org" in str(failure.value) and "Nothing was written" in str(failure.value)
    assert target.read_bytes() == b"previous export"
    assert list(tmp_path.iterdir()) == [target]

    out = StringIO()
    with pytest.raises(CommandError):
        call_command("export_iati", "--validate", stdout=out)
    assert out.getvalue() == ""  # nothing invalid on standard output either


def run_command(*args) -> int:
    """Through the command line as an operator runs it (system checks skipped: pytest-django's
    template setting fails them); the exit status."""
    try:
        ManagementUtility(["ipassist", "export_iati", "--skip-checks", *args]).execute()
    except SystemExit as exited:
        return exited.code
    return 0


def test_command_exit_status(varied, tmp_path, monkeypatch, capsys):
    target = tmp_path / "iati.xml"
    assert run_command("-o", str(target), "--validate") == 0
    assert iati.validate(target) == []
    assert "5 activities written" in capsys.readouterr().out

    target.unlink()
    monkeypatch.setattr(iati, "iter_xml", lambda *a, **k: iter([b"<iati-activities version='2.03'/>"]))
    assert run_command("-o", str(target), "--validate") == 1
    assert "does not validate" in capsys.readouterr().err
    assert not target.exists()


def test_command_failure_midway_leaves_no_half_file(varied, tmp_path, monkeypatch):
    target = tmp_path / "iati.xml"
    target.write_bytes(b"previous export")

    def failing(*args, **kwargs):
        yield b'<?xml version="1.0"?>\n<iati-activities version="2.03">\n'
        raise RuntimeError("database went away")

    monkeypatch.setattr(iati, "iter_xml", failing)
    with pytest.raises(RuntimeError):
        call_command("export_iati", "-o", str(target))
    assert target.read_bytes() == b"previous export"
    assert list(tmp_path.iterdir()) == [target]


def test_command_stopped_by_sigterm_leaves_no_temporary_file(varied, tmp_path, monkeypatch):
    target = tmp_path / "iati.xml"
    real = iati.iter_xml

    def stopped(*args, **kwargs):
        chunks = real(*args, **kwargs)
        yield next(chunks)
        os.kill(os.getpid(), signal.SIGTERM)  # as a service manager stopping the job would
        yield from chunks

    monkeypatch.setattr(iati, "iter_xml", stopped)
    with pytest.raises(SystemExit) as exited:
        call_command("export_iati", "-o", str(target))
    assert exited.value.code == 128 + signal.SIGTERM
    assert list(tmp_path.iterdir()) == []
    assert signal.getsignal(signal.SIGTERM) is not None  # the previous handler is back


def test_command_with_nothing_to_publish_fails_validation(db, tmp_path):
    with pytest.raises(CommandError, match="at least one activity"):
        call_command("export_iati", "-o", str(tmp_path / "x.xml"), "--validate")
    assert not (tmp_path / "x.xml").exists()


def test_command_refuses_bad_arguments(db, tmp_path):
    with pytest.raises(CommandError, match="year"):
        call_command("export_iati", "--year", "soon")
    with pytest.raises(CommandError, match="directory"):
        call_command("export_iati", "-o", str(tmp_path))
    with pytest.raises(CommandError, match="does not exist"):
        call_command("export_iati", "-o", str(tmp_path / "missing" / "x.xml"))


@override_settings(DEBUG=True)
def test_demo_data_exports_valid_iati(tmp_path):
    call_command("demo", stdout=StringIO())
    xml = export()
    assert iati.validate(xml) == []
    refs = {a.find("reporting-org").get("ref") for a in by_identifier(xml).values()}
    assert "XI-IATI-DEMO-WIPO" in refs
    assert Path(iati.SCHEMA_FILE).exists()


# --- settings ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"PUBLIC_BASE_URL": "assist.example.org"}, "PUBLIC_BASE_URL must be an http:// or https:// address"),
        ({"PUBLIC_BASE_URL": "https://x.org/?a=1"}, "PUBLIC_BASE_URL must be"),
        ({"IATI_ORGANISATION_PREFIX": "XI IATI"}, "IATI_ORGANISATION_PREFIX must be"),
        ({"IATI_ORGANISATION_PREFIX": "XM-DAC-41114", "PUBLIC_BASE_URL": "https://a.org/"}, None),
    ],
)
def test_open_data_settings_are_checked_at_startup(env, message):
    result = start(env)
    if message is None:
        assert result.returncode == 0, result.stderr
    else:
        assert result.returncode != 0
        assert "ImproperlyConfigured" in result.stderr and message in result.stderr

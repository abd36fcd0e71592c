"""IATI 2.03 activity XML of the public register of activities (open data).

What is published is what anyone may see: the activities of ``events.access.public_activities()``
(public, announced or cancelled) and their documents for everyone
(``events.access.public_documents()``). Nothing else is read here: no participant, no private
activity, no invitation list, no document for participants or organisers.

The document is streamed: :func:`iter_xml` yields the bytes of one ``<iati-activity>`` at a time
and reads the activities in chunks of ``chunk_size`` (primary-key order), each chunk with a fixed
number of queries, so that 100,000 activities need neither one large tree in memory nor a query
per activity. Every text goes through :func:`clean_text` (characters XML 1.0 forbids are removed)
and ElementTree escapes it.

The IATI codes (organisation types and roles, activity status, date types, scope, DAC sectors,
document categories) and how our fields map to them are in the tables below and in
docs/open-data.md. :func:`validate` checks a document against the official schema shipped in
``iati_schema/`` (libxml2 first, streaming; xmlschema for the details of any error).
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import quoteattr

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ipassist.core.models import Country, Organisation, Region
from ipassist.events import access
from ipassist.events.models import EVENT_TYPE_CODES, LANGUAGES, Activity, Invitation

IATI_VERSION = "2.03"
SCHEMA_DIR = Path(__file__).resolve().parent / "iati_schema"
SCHEMA_FILE = SCHEMA_DIR / "iati-activities-schema.xsd"
CHUNK_SIZE = 500
LANGS = tuple(code for code, _label in LANGUAGES)  # en, fr, es, ar: the languages of our texts
DEFAULT_LANG = "en"  # declared on each <iati-activity>; other narratives carry their own xml:lang
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
#: ``{reporting org identifier}-ACT-{activity pk}``: stable, as the lead provider never changes.
IDENTIFIER_INFIX = "ACT"

# --- IATI codelists (2.03) ---------------------------------------------------------------------

#: OrganisationRole
ROLE_FUNDING, ROLE_ACCOUNTABLE, ROLE_EXTENDING, ROLE_IMPLEMENTING = "1", "2", "3", "4"
#: The lead provider answers for the activity, runs it on its own behalf and delivers it.
LEAD_ROLES = (ROLE_ACCOUNTABLE, ROLE_EXTENDING, ROLE_IMPLEMENTING)
#: Co-organisers deliver it with the lead provider.
CO_ORGANISER_ROLES = (ROLE_IMPLEMENTING,)

#: OrganisationType: 10 Government, 15 Other Public Sector, 40 Multilateral, 70 Private Sector,
#: 90 Other. A provider or partner agency with a country is a national government body, one
#: without a country an international (multilateral) organisation.
ORGANISATION_TYPES = {
    Organisation.Kind.GOVERNMENT: "10",
    Organisation.Kind.MINISTRY: "10",
    Organisation.Kind.CUSTOMS: "10",
    Organisation.Kind.POLICE: "10",
    Organisation.Kind.PROSECUTION: "10",
    Organisation.Kind.IP_OFFICE: "15",
    Organisation.Kind.COPYRIGHT_OFFICE: "15",
    Organisation.Kind.JUDICIARY: "15",
    Organisation.Kind.CO_ORGANISER: "90",
    Organisation.Kind.PRIVATE_SECTOR: "70",
}
NATIONAL_OR_INTERNATIONAL = (Organisation.Kind.PROVIDER, Organisation.Kind.PARTNER_AGENCY)

#: ActivityStatus
STATUS_PIPELINE, STATUS_IMPLEMENTATION, STATUS_FINALISATION = "1", "2", "3"
STATUS_CLOSED, STATUS_CANCELLED = "4", "5"
#: ActivityDateType
PLANNED_START, ACTUAL_START, PLANNED_END, ACTUAL_END = "1", "2", "3", "4"
#: ActivityScope from our level: 1 Global, 2 Regional, 3 Multi-national, 4 National.
SCOPES = {
    Activity.Level.NATIONAL: "4",
    Activity.Level.SUBREGIONAL: "2",
    Activity.Level.REGIONAL: "2",
    Activity.Level.INTERREGIONAL: "3",
    Activity.Level.INTERNATIONAL: "1",
}
#: RegionVocabulary 2: UN M49; 001 is the world.
REGION_VOCABULARY_M49 = "2"
WORLD = "001"
#: SectorVocabulary 1: OECD DAC CRS purpose codes (5 digit).
SECTOR_VOCABULARY_DAC5 = "1"
#: AidType D02 (vocabulary 1): other technical assistance — know-how, training, research.
AID_TYPE = ("D02", "1")
#: DocumentCategory: A12 activity web page; A02 objectives / purpose of the activity (what is
#: published before the activity starts: programme, concept note); A08 results, outcomes and
#: outputs (what is published from its first day: presentations, materials, reports).
CATEGORY_WEB_PAGE, CATEGORY_OBJECTIVES, CATEGORY_OUTPUTS = "A12", "A02", "A08"

# --- sectors -------------------------------------------------------------------------------------

#: The DAC 5-digit purpose codes we use, with their names (for docs/open-data.md and the page).
DAC_SECTORS = {
    "15130": "Legal and judicial development",
    "33181": "Trade education/training",
    "33110": "Trade policy and administrative management",
    "33120": "Trade facilitation",
    "32130": "Small and medium-sized enterprises (SME) development",
    "16061": "Culture and recreation",
    "11420": "Higher education",
    "43082": "Research/scientific institutions",
}
#: What an activity is about, who it is for and what kind of activity it is each weigh one third
#: (a part with no mapped term is left out and the others share its weight); within a part the
#: weight is shared equally by its mapped terms, and within a term by its sectors. A term mapped
#: to nothing (copyright, industrial property: the subject, not the sector) counts for nothing.
#: 15130 covers law enforcement, the judiciary, prosecution, police and legal reform; 33110
#: trade-related legislation and policy, and the administration of IP offices; 33120 customs and
#: border agencies; 33181 training in trade matters, which capacity-building events are.
TOPIC_SECTORS = {
    "enforcement": ("15130",),
    "criminal_enforcement": ("15130",),
    "civil_remedies": ("15130",),
    "border_measures": ("33120",),
    "online_infringement": ("15130",),
    "piracy": ("15130",),
    "counterfeiting": ("15130",),
    "illicit_trade": ("15130",),
    "awareness_raising": ("15130",),
    "preventive_measures": ("15130",),
    "legislation": ("15130",),
    "treaty_implementation": ("33110",),
    "flexibilities": ("33110",),
    "ip_policy": ("33110",),
    "ip_administration": ("33110",),
    "ip_information": ("33110",),
    "creative_industries": ("16061",),
    "traditional_knowledge": ("16061",),
    "smes": ("32130",),
    "technology_transfer": ("32130",),
    "ip_education": ("11420",),
}
AUDIENCE_SECTORS = {
    "judiciary": ("15130",),
    "prosecutors": ("15130",),
    "police": ("15130",),
    "law_enforcement": ("15130",),
    "criminal_justice_officers": ("15130",),
    "attorneys": ("15130",),
    "legal_draftsmen": ("15130",),
    "customs": ("33120",),
    "government_institutions": ("33110",),
    "policy_makers": ("33110",),
    "ip_offices": ("33110",),
    "copyright_offices": ("33110",),
    "regional_organizations": ("33110",),
    "businesses": ("32130",),
    "sme_support_institutions": ("32130",),
    "business_support_institutions": ("32130",),
    "industry_associations": ("32130",),
    "private_sector": ("32130",),
    "academic_institutions": ("11420",),
    "research_institutions": ("43082",),
}
#: An expert mission is advice: its topics and audiences say which sector.
TRAINING_TYPES = tuple(code for code in EVENT_TYPE_CODES if code != "expert_mission")
TYPE_SECTORS = dict.fromkeys(TRAINING_TYPES, ("33181",))
FALLBACK_SECTOR = "15130"


def sector_shares(topics, audiences, kind: str | None) -> list[tuple[str, int]]:
    """``[(DAC code, whole percentage), …]`` summing to 100, largest first (see TOPIC_SECTORS)."""
    weights: dict[str, Fraction] = defaultdict(Fraction)
    for table, codes in ((TOPIC_SECTORS, topics), (AUDIENCE_SECTORS, audiences), (TYPE_SECTORS, [kind])):
        mapped = [table[code] for code in codes if table.get(code)]
        for sectors in mapped:
            for sector in sectors:
                weights[sector] += Fraction(1, len(mapped) * len(sectors))
    if not weights:
        return [(FALLBACK_SECTOR, 100)]
    return _whole_percentages(weights)


def _whole_percentages(weights: Mapping[str, Fraction]) -> list[tuple[str, int]]:
    """Largest remainder: the floors, then one more point to the largest remainders (ties: code)."""
    total = sum(weights.values())
    exact = {code: weight * 100 / total for code, weight in weights.items()}
    shares = {code: int(value) for code, value in exact.items()}
    left = 100 - sum(shares.values())
    for code in sorted(exact, key=lambda c: (-(exact[c] - shares[c]), c))[:left]:
        shares[code] += 1
    return sorted(((c, p) for c, p in shares.items() if p), key=lambda item: (-item[1], item[0]))


# --- values ----------------------------------------------------------------------------------

# XML 1.0 allows tab, line feed, carriage return, U+0020-U+D7FF, U+E000-U+FFFD and above U+FFFF.
# Also removed: DEL and the C1 controls, which XML 1.0 allows but discourages.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_MEDIA_TYPE = re.compile(r"[A-Za-z0-9][\w.+-]*/[A-Za-z0-9][\w.+-]*")


def clean_text(value) -> str:
    """``value`` as text XML 1.0 can carry, without surrounding white space."""
    return _FORBIDDEN.sub("", "" if value is None else str(value)).strip()


def organisation_ref(organisation: Organisation) -> str:
    """The organisation's IATI identifier, else ``{IATI_ORGANISATION_PREFIX}-{slug}``."""
    own = clean_text(organisation.iati_identifier)
    return own or f"{settings.IATI_ORGANISATION_PREFIX}-{organisation.slug}"


def organisation_type(organisation: Organisation) -> str:
    if organisation.kind in NATIONAL_OR_INTERNATIONAL:
        return "10" if organisation.country_id else "40"
    return ORGANISATION_TYPES.get(organisation.kind, "90")


def activity_identifier(activity: Activity) -> str:
    return f"{organisation_ref(activity.provider)}-{IDENTIFIER_INFIX}-{activity.pk}"


def activity_status(activity: Activity, today: date) -> str:
    """Cancelled; pipeline before the first day; implementation until the last; then finalisation
    while the evaluation is open (monitoring goes on), else closed."""
    if activity.status == Activity.Status.CANCELLED:
        return STATUS_CANCELLED
    if today < activity.start_date:
        return STATUS_PIPELINE
    if today <= activity.end_date:
        return STATUS_IMPLEMENTATION
    return STATUS_FINALISATION if activity.evaluation_open else STATUS_CLOSED


def activity_dates(activity: Activity, today: date) -> list[tuple[str, date]]:
    """Planned start and end always; the actual start once it has begun, the actual end once it is
    over (IATI: an actual date is never in the future). A cancelled activity has planned dates only."""
    dates = [(PLANNED_START, activity.start_date)]
    started = activity.status != Activity.Status.CANCELLED and activity.start_date <= today
    if started:
        dates.append((ACTUAL_START, activity.start_date))
    dates.append((PLANNED_END, activity.end_date))
    if started and activity.end_date < today:
        dates.append((ACTUAL_END, activity.end_date))
    return dates


def common_region(countries) -> str:
    """The most specific UN M49 area that contains every country (001, the world, if none)."""
    paths = []
    for country in countries:
        path = [WORLD] + [
            code for code in (country.region_id, country.subregion_id, country.intermediate_region_id) if code
        ]
        paths.append(path)
    if not paths:
        return WORLD
    common = WORLD
    for codes in zip(*paths, strict=False):
        if len(set(codes)) != 1:
            break
        common = codes[0]
    return common


def recipient_region(activity: Activity) -> str:
    """For an activity without a venue country: the area common to the invited states, which
    names no state; the world when nobody is invited (an open or online activity)."""
    countries = {
        invitation.organisation.country_id: invitation.organisation.country
        for invitation in activity.invitations.all()
        if invitation.organisation.country_id
    }
    return common_region(countries.values())


def document_category(document, activity: Activity) -> str:
    uploaded = timezone.localdate(document.uploaded_at) if document.uploaded_at else activity.start_date
    return CATEGORY_OBJECTIVES if uploaded < activity.start_date else CATEGORY_OUTPUTS


def media_type(value: str) -> str:
    value = clean_text(value).split(";")[0].strip().lower()
    return value if _MEDIA_TYPE.fullmatch(value) else "application/octet-stream"


# --- filters ---------------------------------------------------------------------------------


class FilterError(ValueError):
    """A filter value that does not parse; the message says which and why (in the active language)."""


@dataclass(frozen=True)
class Filters:
    year: int | None = None  # activities starting that year
    country: str | None = None  # ISO 3166-1 alpha-2 code of the venue country


def parse_filters(params: Mapping[str, str]) -> Filters:
    """``?year=2015&country=KE``; an empty value is no filter, other parameters are ignored."""
    year = clean_text(params.get("year", ""))
    country = clean_text(params.get("country", "")).upper()
    parsed_year = None
    if year:
        if not (year.isascii() and year.isdigit() and 1900 <= int(year) <= 2100):
            raise FilterError(
                _("year must be a year between 1900 and 2100, such as 2015; got {value}.").format(
                    value=repr(year[:20])
                )
            )
        parsed_year = int(year)
    known = re.fullmatch("[A-Z]{2}", country) and Country.objects.filter(code=country).exists()
    if country and not known:
        raise FilterError(
            _("country must be an ISO 3166-1 alpha-2 country code, such as KE; got {value}.").format(
                value=repr(country[:20])
            )
        )
    return Filters(year=parsed_year, country=country or None)


def activities(filters: Filters | None = None) -> QuerySet[Activity]:
    """The public register, filtered: what the export publishes."""
    filters = filters or Filters()
    qs = access.public_activities()
    if filters.year:
        qs = qs.filter(start_date__year=filters.year)
    if filters.country:
        qs = qs.filter(country_id=filters.country)
    return qs


def _with_related(qs: QuerySet[Activity]) -> QuerySet[Activity]:
    """Everything an <iati-activity> shows, in a fixed number of queries per chunk."""
    return qs.select_related("provider", "country", "kind").prefetch_related(
        Prefetch("co_organisers", queryset=Organisation.objects.order_by("name_en", "pk")),
        "topics",
        "audiences",
        Prefetch(
            "documents",
            queryset=access.public_documents().order_by("uploaded_at", "pk"),
            to_attr="public_documents",
        ),
        Prefetch(
            "invitations",
            queryset=Invitation.objects.select_related("organisation__country").order_by("pk"),
        ),
    )


def chunks(qs: QuerySet[Activity], size: int = CHUNK_SIZE) -> Iterator[list[Activity]]:
    """The rows of ``qs`` in primary-key order, ``size`` at a time (keyset pagination: an activity
    added or changed meanwhile neither repeats nor shifts another)."""
    last = 0
    while True:
        rows = list(_with_related(qs.filter(pk__gt=last).order_by("pk"))[:size])
        if rows:
            yield rows
        if len(rows) < size:
            return
        last = rows[-1].pk


# --- XML -------------------------------------------------------------------------------------

_SENTINEL_A, _SENTINEL_B = 918273645, 546372819


class ExportContext:
    """What every activity of one export shares: absolute URLs (one reverse() per language, not
    one per activity) and the UN M49 areas by code (read once, when first needed)."""

    def __init__(self, base: str):
        self.base = base.rstrip("/")
        self.regions: dict[str, Region] | None = None
        self.pages: dict[str, str] = {}
        for lang in LANGS:
            with translation.override(lang):
                self.pages[lang] = reverse("events:detail", kwargs={"pk": _SENTINEL_A})
        with translation.override(settings.LANGUAGE_CODE):
            self.document = reverse("events:document", kwargs={"pk": _SENTINEL_A, "document": _SENTINEL_B})

    def page(self, activity_pk: int, lang: str) -> str:
        return self.base + self.pages[lang].replace(str(_SENTINEL_A), str(activity_pk))

    def download(self, activity_pk: int, document_pk: int) -> str:
        path = self.document.replace(str(_SENTINEL_A), str(activity_pk))
        return self.base + path.replace(str(_SENTINEL_B), str(document_pk))

    def region(self, code: str) -> Region | None:
        if self.regions is None:
            self.regions = {region.code: region for region in Region.objects.all()}
        return self.regions.get(code)


def _sub(parent: ET.Element, tag: str, **attrs) -> ET.Element:
    return ET.SubElement(parent, tag, {k.replace("_", "-"): v for k, v in attrs.items()})


def _narratives(parent: ET.Element, texts: Mapping[str, str]) -> int:
    """One <narrative> per language with a text; returns how many."""
    count = 0
    for lang in LANGS:
        text = clean_text(texts.get(lang))
        if text:
            narrative = ET.SubElement(parent, "narrative")
            if lang != DEFAULT_LANG:
                narrative.set(XML_LANG, lang)
            narrative.text = text
            count += 1
    return count


def _translations(obj, field: str) -> dict[str, str]:
    return {lang: getattr(obj, f"{field}_{lang}", "") for lang in LANGS}


def _organisation(parent: ET.Element, tag: str, organisation: Organisation, **attrs) -> None:
    ref, kind = organisation_ref(organisation), organisation_type(organisation)
    element = _sub(parent, tag, ref=ref, type=kind, **attrs)
    if not _narratives(element, _translations(organisation, "name")):
        ET.SubElement(element, "narrative").text = organisation.slug


def _summary(activity: Activity) -> str:
    """An English description for an activity that has none (the schema requires one)."""
    country = activity.country.name_en if activity.country_id else ""
    place = [part for part in (activity.city, country, "online" if activity.online else "") if part]
    kind = activity.kind.label_en if activity.kind_id else "Activity"
    return " ".join(
        [
            f"{kind} ({activity.level} level)" + (f", {', '.join(place)}" if place else "") + ",",
            f"{activity.start_date.isoformat()} to {activity.end_date.isoformat()}.",
        ]
    )


def activity_element(activity: Activity, *, today: date, context: ExportContext) -> ET.Element:
    """One <iati-activity>, its children in the order the schema requires."""
    root = ET.Element(
        "iati-activity",
        {
            "last-updated-datetime": activity.updated_at.replace(microsecond=0).isoformat(),
            XML_LANG: DEFAULT_LANG,
        },
    )
    ET.SubElement(root, "iati-identifier").text = activity_identifier(activity)
    _organisation(root, "reporting-org", activity.provider)

    titles = _translations(activity, "title")
    title = ET.SubElement(root, "title")
    if not _narratives(title, titles):
        ET.SubElement(title, "narrative").text = f"Activity {activity.pk}"
    description = _sub(root, "description", type="1")  # DescriptionType 1: general
    if not _narratives(description, _translations(activity, "description")):
        ET.SubElement(description, "narrative").text = _summary(activity)

    for role in LEAD_ROLES:
        _organisation(root, "participating-org", activity.provider, role=role)
    for organisation in activity.co_organisers.all():
        if organisation.pk == activity.provider_id:
            continue
        for role in CO_ORGANISER_ROLES:
            _organisation(root, "participating-org", organisation, role=role)

    _sub(root, "activity-status", code=activity_status(activity, today))
    for date_type, day in activity_dates(activity, today):
        _sub(root, "activity-date", type=date_type, iso_date=day.isoformat())
    if activity.level in SCOPES:
        _sub(root, "activity-scope", code=SCOPES[activity.level])

    if activity.country_id:
        country = _sub(root, "recipient-country", code=activity.country_id, percentage="100")
        _narratives(country, _translations(activity.country, "name"))
    else:
        code = recipient_region(activity)
        region = _sub(root, "recipient-region", code=code, vocabulary=REGION_VOCABULARY_M49, percentage="100")
        area = context.region(code)
        if area is not None:
            _narratives(region, _translations(area, "name"))

    shares = sector_shares(
        [topic.code for topic in activity.topics.all()],
        [audience.code for audience in activity.audiences.all()],
        activity.kind.code if activity.kind_id else None,
    )
    for code, percentage in shares:
        _sub(root, "sector", code=code, vocabulary=SECTOR_VOCABULARY_DAC5, percentage=str(percentage))
    _sub(root, "default-aid-type", code=AID_TYPE[0], vocabulary=AID_TYPE[1])

    for lang in LANGS:
        text = clean_text(titles.get(lang))
        if lang != DEFAULT_LANG and not text:
            continue  # the page exists in every interface language; list those the title is in
        link = _sub(root, "document-link", url=context.page(activity.pk, lang), format="text/html")
        _narratives(_sub(link, "title"), {lang: text or f"Activity {activity.pk}"})
        _sub(link, "category", code=CATEGORY_WEB_PAGE)
        _sub(link, "language", code=lang)
    languages = [code for code in activity.working_languages or [] if isinstance(code, str)]
    for document in getattr(activity, "public_documents", ()):
        link = _sub(
            root,
            "document-link",
            url=context.download(activity.pk, document.pk),
            format=media_type(document.content_type),
        )
        name = clean_text(document.description) or clean_text(document.name) or f"Document {document.pk}"
        ET.SubElement(_sub(link, "title"), "narrative").text = name
        _sub(link, "category", code=document_category(document, activity))
        if len(languages) == 1 and re.fullmatch("[a-z]{2}", languages[0]):
            _sub(link, "language", code=languages[0])  # our documents carry no language of their own
        if document.uploaded_at:
            _sub(link, "document-date", iso_date=timezone.localdate(document.uploaded_at).isoformat())
    return root


def iter_xml(
    filters: Filters | None = None,
    *,
    today: date | None = None,
    now: datetime | None = None,
    chunk_size: int = CHUNK_SIZE,
    base_url: str | None = None,
) -> Iterator[bytes]:
    """The <iati-activities> document, UTF-8, one activity at a time."""
    today = today or timezone.localdate()
    now = (now or timezone.now()).astimezone(UTC).replace(microsecond=0)
    context = ExportContext(base_url or settings.PUBLIC_BASE_URL)
    attrs = f"version={quoteattr(IATI_VERSION)} generated-datetime={quoteattr(now.isoformat())}"
    yield f'<?xml version="1.0" encoding="UTF-8"?>\n<iati-activities {attrs}>\n'.encode()
    for rows in chunks(activities(filters), chunk_size):
        parts = []
        for activity in rows:
            element = activity_element(activity, today=today, context=context)
            ET.indent(element, space="  ", level=1)
            parts.append("  " + ET.tostring(element, encoding="unicode") + "\n")
        yield "".join(parts).encode()
    yield b"</iati-activities>\n"


def xml_bytes(filters: Filters | None = None, **kwargs) -> bytes:
    """The whole document at once (tests, small exports)."""
    return b"".join(iter_xml(filters, **kwargs))


# --- validation ------------------------------------------------------------------------------
#
# Two stages. libxml2 (through lxml, which the project already uses for uploads) checks the whole
# document against the schema in one streaming pass: seconds for 100,000 activities, in constant
# memory. Only when it finds a problem does xmlschema go through the document again to report each
# error with the path of the element (xmlschema alone takes about 5 ms per activity: some ten
# minutes for 100,000). A document that libxml2 refuses is never reported valid.


@lru_cache(maxsize=1)
def get_schema():
    """The official IATI 2.03 activity schema for xmlschema, parsed once per process (it is slow)."""
    import xmlschema

    return xmlschema.XMLSchema(str(SCHEMA_FILE))


def _lxml_schema():
    """A new libxml2 validator (a hundredth of a second): each keeps an error log of its own."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    return etree.XMLSchema(etree.parse(str(SCHEMA_FILE), parser))


def _source(source: str | Path | bytes):
    return io.BytesIO(source) if isinstance(source, bytes | bytearray) else str(source)


def _libxml2_errors(source) -> list[str]:
    """[] if valid, else the first problem libxml2 met (it reports no more in a streaming pass)."""
    from lxml import etree

    schema = _lxml_schema()
    try:
        # lxml's defaults: no network, no external entities. Not resolve_entities=False: with a
        # schema, lxml 6 then lets a truncated document through (tests/reports/test_iati.py).
        for _event, element in etree.iterparse(
            _source(source), events=("end",), tag="iati-activity", schema=schema
        ):
            element.clear(keep_tail=True)  # keep memory flat: drop each activity once read
            while element.getprevious() is not None:
                del element.getparent()[0]
    except etree.XMLSyntaxError as exc:  # not well-formed, or not valid
        return [str(exc)]
    return []


def _xmlschema_errors(source, limit: int) -> list[str]:
    import xmlschema

    errors = []
    try:
        resource = xmlschema.XMLResource(_source(source), lazy=not isinstance(source, bytes | bytearray))
        for error in get_schema().iter_errors(resource):
            errors.append(f"{error.path or '/'}: {error.reason or error.message}")
            if len(errors) >= limit:
                break
    except (xmlschema.XMLResourceError, ET.ParseError) as exc:
        errors.append(f"not well-formed XML: {exc}")
    return errors


def validate(source: str | Path | bytes, *, limit: int = 100) -> list[str]:
    """The schema errors of an XML document (a path, or the bytes), at most ``limit``; [] if valid."""
    found = _libxml2_errors(source)
    if not found:
        return []
    return _xmlschema_errors(source, limit) or found

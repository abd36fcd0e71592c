"""Generated activities and participants: realistic volume for load tests, benchmarks and a local
register that looks lived in.

    ipassist generate --activities 400 --participants 8000 --seed 1
    ipassist generate --clear

What it makes: activities of the providers in the database (or of two generated providers when
there are none) held in the countries of every UN M49 region (weighted: Africa and Asia most,
Oceania least, and some countries far more often than others), of every type of the events
register, at every level, over the years 2012 to the year after the reference date (more in recent
years; mostly online in 2020-2021); themes that bring their topics, audiences and the professional
backgrounds of their participants; titles and descriptions in English, French, Spanish and Arabic;
speakers, invited governments (those in the database) and participants — ``--participants`` in
all, spread over the activities by their size — with names of their country's naming culture
(Latin, Arabic, Cyrillic, Chinese, Korean, Japanese, Thai, Greek and Persian scripts, Vietnamese
…), genders (some left blank), statuses, attendance for past activities, certificates and
evaluations. The word lists are in ``demo/generator.json``.

Reproducible: every choice comes from one ``random.Random(seed)``, and every date is counted from
the reference date (``REFERENCE_DATE`` unless ``--reference-date`` says otherwise), never from
the clock: the same seed, reference date and database give the same rows. Only the creation
times Django fills in itself (activities, speakers, certificates) and the random keys of
evaluations differ from run to run.

Generated rows are marked: their activities are created by the inactive account
``generator@ipassist.invalid``, and generated series and organisations have slugs that start with
``gen-``. ``clear()`` (``--clear``) removes exactly those, and everything that hangs on the
activities.
"""

from __future__ import annotations

import bisect
import functools
import json
import random
import re
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction
from django.db.models import Min, QuerySet
from django.utils import translation

from ipassist.core import versions
from ipassist.core.models import (
    ActivityType,
    AudienceType,
    Country,
    Organisation,
    ProfessionalBackground,
    Topic,
    User,
)
from ipassist.events.models import (
    EVENT_TYPE_CODES,
    LANGUAGES,
    Activity,
    Attendance,
    Certificate,
    Evaluation,
    EvaluationReceipt,
    Invitation,
    Participant,
    Series,
    Speaker,
)
from ipassist.events.services import CONSENT_TEXT, dedupe_key

#: Dates are counted from here unless the caller gives another day (``--reference-date``).
REFERENCE_DATE = date(2026, 11, 1)
FIRST_YEAR = 2012
GENERATOR_EMAIL = "generator@ipassist.invalid"
SLUG_PREFIX = "gen-"
#: Activities written per transaction; their participants and attendance go with them.
CHUNK = 1000
BATCH = 2000

TABLES_FILE = Path(__file__).resolve().parent / "demo" / "generator.json"
# UN M49 regions: Africa, Asia, the Americas, Europe, Oceania.
REGION_WEIGHTS = {"002": 28, "142": 30, "019": 18, "150": 16, "009": 5}
# INTERPOL's legal services are about criminal law: its activities lean that way.
PROVIDER_THEMES = {"interpol": {"criminal": 6, "border": 3, "legislation": 2, "judicial": 2}}
MAGHREB = ("DZ", "MA", "MR", "TN", "DJ", "KM", "LB")  # Arab states where French is a working language

PARTICIPANT_COLUMNS = (
    "activity_id",
    "invitation_id",
    "given_name",
    "family_name",
    "email",
    "organisation_name",
    "country_id",
    "background_id",
    "position",
    "gender",
    "consent_at",
    "consent_text",
    "status",
    "dedupe_key",
    "registered_at",
    "decided_at",
    "revision",
)
ATTENDANCE_COLUMNS = ("participant_id", "day", "recorded_at")
CERTIFICATE_COLUMNS = ("participant_id", "number", "days_attended", "issued_at", "issued_by_id")
SPEAKER_COLUMNS = (
    "activity_id",
    "name",
    "affiliation",
    "country_id",
    "is_expert",
    "user_id",
    "listed_publicly",
)


class Weighted:
    """A weighted choice prepared once: ``rng.choices`` rebuilds its table on every call."""

    def __init__(self, weights: dict):
        self.keys = list(weights)
        self.cum = []
        total = 0.0
        for value in weights.values():
            total += value
            self.cum.append(total)
        self.total = total

    def __call__(self, rng: random.Random):
        return self.keys[bisect.bisect_right(self.cum, rng.random() * self.total)]


ACTIVITY_UPCOMING = Weighted({"announced": 80, "draft": 16, "cancelled": 4})
REGISTRATION = Weighted({"nomination": 55, "open": 35, "closed": 10})
STATUSES_PAST = Weighted({"approved": 86, "withdrawn": 7, "rejected": 5, "waitlisted": 2})
STATUSES_UPCOMING = Weighted({"pending": 38, "approved": 50, "waitlisted": 4, "rejected": 3, "withdrawn": 5})
STATUSES_CANCELLED = Weighted({"withdrawn": 40, "approved": 45, "pending": 10, "rejected": 5})
KNOWLEDGE_BEFORE = Weighted({1: 15, 2: 35, 3: 35, 4: 12, 5: 3})
SATISFACTION = Weighted({1: 2, 2: 5, 3: 18, 4: 45, 5: 30})
RELEVANCE = Weighted({1: 2, 2: 6, 3: 20, 4: 42, 5: 30})


@functools.cache
def tables() -> dict:
    return json.loads(TABLES_FILE.read_text(encoding="utf-8"))


def generated_activities() -> QuerySet[Activity]:
    return Activity.objects.filter(created_by__email=GENERATOR_EMAIL)


def has_generated() -> bool:
    return generated_activities().exists()


def _ascii(text: str) -> str:
    text = text.replace("đ", "d").replace("Đ", "D").replace("ß", "ss").replace("ø", "o").replace("ł", "l")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def _insert(model: type[models.Model], columns: tuple[str, ...], rows: Iterable[dict]) -> int:
    """Write plain rows with ``executemany``, ``BATCH`` at a time.

    ``bulk_create`` builds a model instance per row and prepares every value through its field:
    about 0.17 ms a participant and 0.04 ms an attendance day on SQLite, which at a million
    participants (and two million attendance days) was most of the generator's time. Rows whose
    ids are not needed right away are written this way; dates and times still go through their
    fields, so each database gets them in its own format. Activities, invitations and evaluations
    (whose ids are needed, or made by Django) use ``bulk_create``. (On PostgreSQL, one multi-row
    ``INSERT`` per batch was measured too: slower than ``executemany`` there.)
    """
    fields = [model._meta.get_field(name) for name in columns]
    timed = [(i, f) for i, f in enumerate(fields) if f.get_internal_type() in ("DateField", "DateTimeField")]
    quote = connection.ops.quote_name
    # Names from the model's own metadata, quoted by the backend; the values are parameters.
    names = ", ".join(quote(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({names}) VALUES ({marks})"  # noqa: S608
    count = 0
    batch: list[list] = []
    prepared: dict = {}
    with connection.cursor() as cursor:
        for row in rows:
            values = [row[name] for name in columns]
            for i, f in timed:
                value = values[i]
                if value not in prepared:  # the same days and times come back again and again
                    prepared[value] = f.get_db_prep_save(value, connection)
                values[i] = prepared[value]
            batch.append(values)
            if len(batch) == BATCH:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


@dataclass
class Plan:
    """One activity before it is written, with what its participants are drawn from."""

    provider: Organisation
    theme: str
    kind: str
    level: str
    start: date
    end: date
    host: str | None  # country code; None when online only
    city: str
    online: bool
    status: str
    is_public: bool
    registration: str
    deadline: date | None
    capacity: int | None
    pool: Weighted  # the countries participants come from
    size: float  # relative number of participants
    series_key: tuple | None
    anonymous: bool
    languages: list[str]
    topics: list[str]
    audiences: list[str]
    co_organiser: Organisation | None
    activity: Activity | None = None


@dataclass
class Result:
    activities: int = 0
    participants: int = 0
    attendance: int = 0
    certificates: int = 0
    evaluations: int = 0
    speakers: int = 0
    invitations: int = 0
    series: int = 0
    seconds: float = 0.0
    countries: Counter = field(default_factory=Counter)  # participants by country
    regions: Counter = field(default_factory=Counter)  # activities by UN M49 region ("": online only)

    def summary(self) -> str:
        rate = self.participants / self.seconds if self.seconds else 0
        return (
            f"{self.activities:,} activities ({self.series:,} new series, {self.speakers:,} speakers, "
            f"{self.invitations:,} invitations), {self.participants:,} participants, "
            f"{self.attendance:,} attendance days, {self.certificates:,} certificates, "
            f"{self.evaluations:,} evaluations in {self.seconds:.1f} s ({rate:,.0f} participants/s)"
        )


class Generator:
    def __init__(self, *, seed: int, reference: date = REFERENCE_DATE):
        self.seed = seed
        self.rng = random.Random(seed)  # noqa: S311 — made-up data, reproducible by design
        self.reference = reference
        self.t = t = tables()
        rows = list(
            Country.objects.filter(code__in=list(t["countries"]), region__isnull=False)
            .order_by("code")
            .values_list("code", "region_id", "subregion_id")
        )
        self.region = {code: region for code, region, _sub in rows}
        self.subregion = {code: sub for code, _region, sub in rows}
        if not self.region:
            raise LookupError("No countries: load the reference data first (ipassist demo).")
        self.codes = sorted(self.region)
        # Some countries ask for, and host, far more activities than others.
        self.weight = {code: min(self.rng.paretovariate(1.4), 25.0) for code in self.codes}
        self.by_region: dict[str, list[str]] = {}
        self.by_subregion: dict[str, list[str]] = {}
        for code in self.codes:
            self.by_region.setdefault(self.region[code], []).append(code)
            self.by_subregion.setdefault(self.subregion[code], []).append(code)
        self.regions = [r for r in REGION_WEIGHTS if r in self.by_region]
        self.region_pick = Weighted({r: REGION_WEIGHTS[r] for r in self.regions})
        self.pools: dict[object, Weighted] = {}
        last = reference.year + 1
        self.years = Weighted({y: 1 + 0.06 * (y - FIRST_YEAR) for y in range(FIRST_YEAR, last + 1)})
        self.kind_pick = Weighted({code: k["weight"] for code, k in t["kinds"].items()})
        self.level_pick = Weighted({code: lv["weight"] for code, lv in t["levels"].items()})
        self.field_level_pick = Weighted({"national": 8, "subregional": 1})
        self.theme_pick = {slug: Weighted(weights) for slug, weights in PROVIDER_THEMES.items()} | {
            "": Weighted(dict.fromkeys(t["themes"], 1))
        }
        self.background_pick = {name: Weighted(th["backgrounds"]) for name, th in t["themes"].items()}
        self.kinds = {a.code: a for a in ActivityType.objects.filter(code__in=EVENT_TYPE_CODES)}
        missing = set(EVENT_TYPE_CODES) - set(self.kinds)
        if missing:
            raise LookupError(
                f"Activity types missing ({', '.join(sorted(missing))}): load the vocabularies first "
                "(ipassist demo)."
            )
        self.topics = {a.code: a.pk for a in Topic.objects.all()}
        self.audiences = {a.code: a.pk for a in AudienceType.objects.all()}
        self.backgrounds = {a.code: a.pk for a in ProfessionalBackground.objects.all()}
        self.all_backgrounds = sorted(code for code in t["positions"] if code in self.backgrounds)
        with translation.override("en"):
            self.consent_text = str(CONSENT_TEXT)
        self.country_names = dict(Country.objects.values_list("code", "name_en"))
        self.series: dict[tuple, Series] = {}

    # --- accounts and organisations --------------------------------------------------------------

    def prepare(self) -> None:
        """The marker account and the organisations activities are drawn from (read, or created)."""
        self.user, _created = User.objects.get_or_create(
            email=GENERATOR_EMAIL,
            defaults={"full_name": "Generated data", "is_active": False, "password": make_password(None)},
        )
        providers = list(
            Organisation.objects.filter(kind=Organisation.Kind.PROVIDER, is_active=True).order_by("slug")
        )
        if not providers:
            providers = [
                Organisation.objects.get_or_create(
                    slug=f"{SLUG_PREFIX}provider-{letter}",
                    defaults={
                        "kind": Organisation.Kind.PROVIDER,
                        "name_en": f"Generated Provider {letter.upper()}",
                        "acronym_en": f"GP{letter.upper()}",
                    },
                )[0]
                for letter in ("a", "b")
            ]
        self.providers = providers
        self.by_country: dict[str, list[Organisation]] = {}
        self.governments: dict[str, Organisation] = {}
        others = Organisation.objects.exclude(kind=Organisation.Kind.PROVIDER).filter(
            is_active=True, country__isnull=False
        )
        for org in others.order_by("slug"):
            self.by_country.setdefault(org.country_id, []).append(org)
            if org.kind == Organisation.Kind.GOVERNMENT:
                self.governments.setdefault(org.country_id, org)
        self.series = {}

    # --- planning ---------------------------------------------------------------------------------

    def pool(self, key, codes: list[str]) -> Weighted:
        if key not in self.pools:
            self.pools[key] = Weighted({c: self.weight[c] for c in codes})
        return self.pools[key]

    def host_country(self) -> str:
        region = self.region_pick(self.rng)
        return self.pool(("region", region), self.by_region[region])(self.rng)

    def start_day(self) -> date:
        start = date(self.years(self.rng), 1, 6) + timedelta(days=self.rng.randrange(350))
        return start - timedelta(days=max(0, start.weekday() - 3))  # starts Monday to Thursday

    def plan(self) -> Plan:
        rng, t = self.rng, self.t
        provider = rng.choice(self.providers)
        theme = self.theme_pick.get(provider.slug, self.theme_pick[""])(rng)
        kind = self.kind_pick(rng)
        level = (self.field_level_pick if kind in ("expert_mission", "study_visit") else self.level_pick)(rng)
        start = self.start_day()
        low, high = t["kinds"][kind]["days"]
        end = start + timedelta(days=rng.randint(low, high) - 1)
        pandemic = date(2020, 3, 15) <= start <= date(2021, 12, 31)
        online = kind == "distance_learning" or (pandemic and rng.random() < 0.7)
        host = None if online and (kind == "distance_learning" or rng.random() < 0.8) else self.host_country()
        hybrid = host is not None and not online and rng.random() < 0.08
        home = host or self.host_country()
        if level == "national":
            pool = self.pool(("country", home), [home])
        elif level == "subregional":
            sub = self.subregion[home]
            pool = self.pool(("subregion", sub), self.by_subregion[sub])
        elif level == "regional":
            region = self.region[home]
            pool = self.pool(("region", region), self.by_region[region])
        elif level == "interregional":
            regions = tuple(sorted(rng.sample(self.regions, k=min(3, len(self.regions)))))
            pool = self.pool(regions, [c for r in regions for c in self.by_region[r]])
        else:
            pool = self.pool("world", self.codes)
        if start > self.reference:
            status = ACTIVITY_UPCOMING(rng)
        else:
            status = "cancelled" if rng.random() < 0.03 else "announced"
        public_share = {"expert_mission": 0.2, "meeting": 0.5, "study_visit": 0.6}.get(kind, 0.88)
        if kind in ("expert_mission", "colloquium", "meeting", "study_visit"):
            registration = "closed" if rng.random() < 0.7 else "nomination"
        else:
            registration = REGISTRATION(rng)
        deadline = None
        if registration != "closed" and rng.random() < 0.85:
            deadline = start - timedelta(days=rng.randint(7, 30))
        low, high = t["kinds"][kind]["capacity"]
        size = rng.uniform(low, high)
        capacity = None if rng.random() < 0.15 else round(size * rng.uniform(1.0, 1.3))
        if status == "draft":
            size = 0.0  # nobody registers before the activity is announced
        elif status == "cancelled":
            size *= 0.5
        series_key = None
        recurring = level != "national" and kind in ("workshop", "seminar", "conference", "training_course")
        if recurring and rng.random() < 0.25:
            series_key = (
                provider.slug,
                theme,
                kind,
                level,
                self.region[home] if level != "international" else "",
            )
        culture_lang = t["cultures"][t["countries"][home][1]]["lang"]
        languages = ["en"]
        if culture_lang in ("fr", "es", "ar"):
            languages = [culture_lang, "en"] if level in ("national", "subregional") else ["en", culture_lang]
        if level in ("interregional", "international") and rng.random() < 0.4:
            languages += [lang for lang in ("fr", "es", "ar") if lang not in languages]
        theme_t = t["themes"][theme]
        topics = rng.sample(theme_t["topics"], k=rng.randint(2, len(theme_t["topics"])))
        if rng.random() < 0.2:
            extra = rng.choice(sorted(self.topics))
            topics += [extra] if extra not in topics else []
        audiences = rng.sample(theme_t["audiences"], k=rng.randint(1, len(theme_t["audiences"])))
        co_organiser = None
        if host and host in self.by_country and rng.random() < 0.3:
            co_organiser = rng.choice(self.by_country[host])
        return Plan(
            provider=provider,
            theme=theme,
            kind=kind,
            level=level,
            start=start,
            end=end,
            host=host,
            city=t["countries"][host][0] if host else "",
            online=online or hybrid,
            status=status,
            is_public=rng.random() < public_share,
            registration=registration,
            deadline=deadline,
            capacity=capacity,
            pool=pool,
            size=size,
            series_key=series_key,
            anonymous=rng.random() < 0.8,
            languages=languages,
            topics=[code for code in topics if code in self.topics],
            audiences=[code for code in audiences if code in self.audiences],
            co_organiser=co_organiser,
        )

    # --- texts ------------------------------------------------------------------------------------

    def texts(self, plan: Plan) -> dict:
        t = self.t
        kind, level, theme = t["kinds"][plan.kind], t["levels"][plan.level], t["themes"][plan.theme]
        fr_label, fr_gender = kind["fr"]
        ar_label, ar_gender = kind["ar"]
        fr_level = level["fr"][0 if fr_gender == "m" else 1]
        ar_level = level["ar"][0 if ar_gender == "m" else 1]
        titles = {
            "en": f"{level['en']} {kind['en']} on {theme['subject']['en']}",
            "fr": f"{fr_label} {fr_level} sur {theme['subject']['fr']}",
            "es": f"{kind['es']} {level['es']} sobre {theme['subject']['es']}",
            "ar": f"{ar_label} {ar_level} بشأن {theme['subject']['ar']}",
        }
        values = {}
        for lang, _label in LANGUAGES:
            note = t["note"][lang].format(seed=self.seed)
            values[f"title_{lang}"] = titles[lang][:300]
            values[f"description_{lang}"] = f"{theme['description'][lang]}\n\n{note}"
        return values

    # --- people -----------------------------------------------------------------------------------

    def person(self, country: str) -> tuple[str, str, str, str, str]:
        """(given name, family name, ASCII e-mail stem, gender, language of their institution)."""
        rng = self.rng
        culture = self.t["cultures"][self.t["countries"][country][1]]
        female = rng.random() < 0.42
        given = rng.choice(culture["female" if female else "male"])
        family = rng.choice(culture["family"])
        native = rng.random() < culture.get("native_share", 0)
        if isinstance(family, list) and len(family) == 4:
            family = family[2:] if female else family[:2]
        if isinstance(given, str):
            given = [given, given]
        if isinstance(family, str):
            family = [family, family]
        draw = rng.random()
        gender = ("female" if female else "male") if draw < 0.84 else ("" if draw < 0.99 else "other")
        lang = culture["lang"]
        if lang == "ar" and not native:
            lang = "fr" if country in MAGHREB else "en"
        index = 0 if native else 1
        return given[index], family[index], f"{_ascii(given[1])}.{_ascii(family[1])}", gender, lang

    def participants(self, plan: Plan, activity_id: int, count: int, serial: int) -> list[dict]:
        """``count`` registrations for one activity, as rows of ``PARTICIPANT_COLUMNS``."""
        rng, t = self.rng, self.t
        if plan.status == "cancelled":
            statuses = STATUSES_CANCELLED
        elif plan.end < self.reference:
            statuses = STATUSES_PAST
        else:
            statuses = STATUSES_UPCOMING
        backgrounds = self.background_pick[plan.theme]
        national = plan.level == "national" and plan.host
        keys: set[str] = set()
        rows = []
        for n in range(count):
            country = plan.host if national and rng.random() < 0.93 else plan.pool(rng)
            given, family, stem, gender, lang = self.person(country)
            background = backgrounds(rng) if rng.random() < 0.9 else rng.choice(self.all_backgrounds)
            organisation = rng.choice(t["organisations"][background][lang])
            address = f"{stem}.{serial + n}@{background.replace('_', '-')}.{country.lower()}.example"
            email = address if rng.random() < 0.88 else ""
            key = dedupe_key(
                email=email,
                given_name=given,
                family_name=family,
                country_id=country,
                organisation_name=organisation,
            )
            if key in keys:  # the same name, country and institution twice: this one gives an address
                email = address
                key = dedupe_key(
                    email=email,
                    given_name=given,
                    family_name=family,
                    country_id=country,
                    organisation_name=organisation,
                )
            keys.add(key)
            status = statuses(rng)
            consent = datetime.combine(
                plan.start - timedelta(days=rng.randint(8, 75)), datetime.min.time(), tzinfo=UTC
            ) + timedelta(minutes=rng.randrange(7 * 60, 19 * 60))
            if consent.date() > self.reference:
                consent = datetime.combine(self.reference, consent.timetz())
            decided = None if status == "pending" else consent + timedelta(days=rng.randint(1, 10))
            if decided is not None and decided.date() > self.reference:
                decided = consent
            rows.append(
                {
                    "activity_id": activity_id,
                    "invitation_id": None,
                    "given_name": given,
                    "family_name": family,
                    "email": email,
                    "organisation_name": organisation,
                    "country_id": country,
                    "background_id": self.backgrounds[background],
                    "position": rng.choice(t["positions"][background][lang]),
                    "gender": gender,
                    "consent_at": consent,
                    "consent_text": self.consent_text,
                    "status": status,
                    "dedupe_key": key,
                    "registered_at": consent,
                    "decided_at": decided,
                    "revision": 1,
                }
            )
        return rows

    def speakers(self, plan: Plan) -> list[dict]:
        rng = self.rng
        low, high = {"conference": (2, 6), "expert_mission": (1, 3), "distance_learning": (1, 3)}.get(
            plan.kind, (1, 4)
        )
        speakers = []
        for _ in range(rng.randint(low, high)):
            national = plan.host is not None and rng.random() < 0.4
            country = plan.host if national else self.pool("world", self.codes)(rng)
            given, family, _stem, _gender, _lang = self.person(country)
            background = self.background_pick[plan.theme](rng)
            affiliation = rng.choice(self.t["organisations"][background]["en"])
            speakers.append(
                {
                    "activity_id": plan.activity.pk,
                    "name": f"{given} {family}",
                    "affiliation": f"{affiliation}, {self.country_names.get(country, country)}",
                    "country_id": country,
                    "is_expert": rng.random() < 0.9,
                    "user_id": None,
                    "listed_publicly": rng.random() < 0.3,
                }
            )
        return speakers

    # --- writing ----------------------------------------------------------------------------------

    def series_for(self, plan: Plan, result: Result) -> Series | None:
        if plan.series_key is None:
            return None
        if plan.series_key not in self.series:
            slug = f"{SLUG_PREFIX}{self.seed}-{len(self.series) + 1:05d}"
            texts = self.texts(plan)
            series, created = Series.objects.get_or_create(
                slug=slug, defaults={"provider": plan.provider, **texts}
            )
            result.series += created
            self.series[plan.series_key] = series
        return self.series[plan.series_key]

    def write_activities(self, plans: list[Plan], result: Result) -> None:
        for plan in plans:
            plan.activity = Activity(
                kind=self.kinds[plan.kind],
                level=plan.level,
                status=plan.status,
                is_public=plan.is_public,
                start_date=plan.start,
                end_date=plan.end,
                city=plan.city,
                country_id=plan.host,
                online=plan.online,
                provider=plan.provider,
                series=self.series_for(plan, result),
                working_languages=plan.languages,
                registration=plan.registration,
                registration_deadline=plan.deadline,
                capacity=plan.capacity,
                evaluation_open=plan.status == "announced" and 0 <= (self.reference - plan.end).days <= 30,
                evaluation_anonymous=plan.anonymous,
                created_by=self.user,
                **self.texts(plan),
            )
        Activity.objects.bulk_create([plan.activity for plan in plans], batch_size=BATCH)
        result.activities += len(plans)
        links = {"topics": [], "audiences": [], "co_organisers": []}
        for plan in plans:
            pk = plan.activity.pk
            links["topics"] += [(pk, self.topics[code]) for code in plan.topics]
            links["audiences"] += [(pk, self.audiences[code]) for code in plan.audiences]
            if plan.co_organiser is not None:
                links["co_organisers"].append((pk, plan.co_organiser.pk))
        for name, pairs in links.items():
            relation = getattr(Activity, name)
            through, target = relation.through, relation.field.m2m_reverse_field_name()
            column = f"{target}_id"
            _insert(through, ("activity_id", column), ({"activity_id": a, column: b} for a, b in pairs))
        speakers = [s for plan in plans for s in self.speakers(plan)]
        result.speakers += _insert(Speaker, SPEAKER_COLUMNS, speakers)

    def write_chunk(self, plans: list[Plan], counts: list[int], serial: int, result: Result) -> int:
        rng = self.rng
        self.write_activities(plans, result)
        invitations, rows = [], []
        for plan, count in zip(plans, counts, strict=True):
            mine = self.participants(plan, plan.activity.pk, count, serial)
            serial += count
            if plan.registration == "nomination" and plan.status != "draft":
                # The governments in the database whose people take part are invited; their
                # nominations fit within the quota.
                nominees: dict[str, list[dict]] = {}
                for row in mine:
                    if row["country_id"] in self.governments:
                        nominees.setdefault(row["country_id"], []).append(row)
                for code in sorted(nominees):
                    counted = sum(r["status"] in Participant.COUNTS_AGAINST_QUOTA for r in nominees[code])
                    invitation = Invitation(
                        activity=plan.activity,
                        organisation=self.governments[code],
                        quota=max(rng.randint(2, 4), counted),
                    )
                    invitations.append((invitation, nominees[code]))
            rows += mine
        Invitation.objects.bulk_create([i for i, _rows in invitations], batch_size=BATCH)
        for invitation, nominated in invitations:
            for row in nominated:
                row["invitation_id"] = invitation.pk
        result.invitations += len(invitations)
        result.participants += _insert(Participant, PARTICIPANT_COLUMNS, rows)
        result.countries.update(row["country_id"] for row in rows)
        self.write_outcomes(plans, rows, result)
        return serial

    def write_outcomes(self, plans: list[Plan], rows: list[dict], result: Result) -> None:
        """Attendance, certificates and evaluations of the approved participants of past activities."""
        rng = self.rng
        ids = {
            (a, key): pk
            for a, key, pk in Participant.objects.filter(
                activity_id__in=[p.activity.pk for p in plans]
            ).values_list("activity_id", "dedupe_key", "pk")
        }
        by_activity: dict[int, list[dict]] = {}
        for row in rows:
            if row["status"] == "approved":
                by_activity.setdefault(row["activity_id"], []).append(row)
        attendance, certificates, evaluations, receipts = [], [], [], []
        for plan in plans:
            activity = plan.activity
            if plan.end >= self.reference or plan.status != "announced":
                continue
            days = activity.days
            needed = activity.days_needed_for_certificate()
            issue, evaluated = rng.random() < 0.7, rng.random() < 0.6
            number = 0
            # The sheet is filled in on the last afternoon; certificates go out the next morning.
            evening = datetime.combine(activity.end_date, datetime.min.time(), tzinfo=UTC) + timedelta(
                hours=17
            )
            morning = evening + timedelta(hours=17)
            for row in by_activity.get(activity.pk, []):
                pk = ids[(activity.pk, row["dedupe_key"])]
                present = days if rng.random() < 0.75 else [d for d in days if rng.random() < 0.75]
                attendance += [{"participant_id": pk, "day": d, "recorded_at": evening} for d in present]
                if issue and len(present) >= needed:
                    number += 1
                    certificates.append(
                        {
                            "participant_id": pk,
                            "number": f"{activity.start_date:%Y}-{activity.pk:05d}-{number:04d}",
                            "days_attended": len(present),
                            "issued_at": morning,
                            "issued_by_id": None,
                        }
                    )
                if evaluated and present and rng.random() < 0.45:
                    before = KNOWLEDGE_BEFORE(rng)
                    comment = rng.choice(self.t["comments"]) if rng.random() < 0.3 else ""
                    evaluations.append(
                        Evaluation(
                            activity=activity,
                            participant_id=None if activity.evaluation_anonymous else pk,
                            submitted_on=activity.end_date + timedelta(days=rng.randint(0, 14)),
                            satisfaction=SATISFACTION(rng),
                            relevance=RELEVANCE(rng),
                            knowledge_before=before,
                            knowledge_after=min(5, before + rng.choice((0, 1, 1, 2))),
                            improve=comment,
                        )
                    )
                    receipts.append({"participant_id": pk, "activity_id": activity.pk})
        result.attendance += _insert(Attendance, ATTENDANCE_COLUMNS, attendance)
        _insert(Certificate, CERTIFICATE_COLUMNS, certificates)
        # Answers and receipts in different orders: the order of rows must not pair them either.
        rng.shuffle(evaluations)
        Evaluation.objects.bulk_create(evaluations, batch_size=BATCH)
        _insert(EvaluationReceipt, ("participant_id", "activity_id"), receipts)
        result.certificates += len(certificates)
        result.evaluations += len(evaluations)

    def run(
        self, *, activities: int, participants: int, progress: Callable[[str], None] | None = None
    ) -> Result:
        started = time.perf_counter()
        result = Result()
        with transaction.atomic():
            self.prepare()
        plans = [self.plan() for _ in range(activities)]
        result.regions.update(self.region[p.host] if p.host else "" for p in plans)
        # Participants go to activities in proportion to their size (none to drafts).
        weights = [p.size for p in plans]
        counts = [0] * activities
        if participants and sum(weights) > 0:
            for index in self.rng.choices(range(activities), weights=weights, k=participants):
                counts[index] += 1
        serial = 1
        for first in range(0, activities, CHUNK):
            with transaction.atomic():
                serial = self.write_chunk(
                    plans[first : first + CHUNK], counts[first : first + CHUNK], serial, result
                )
            for plan in plans[first : first + CHUNK]:
                plan.activity = None  # let the written rows go
            if progress is not None:
                progress(
                    f"  {min(first + CHUNK, activities):,} of {activities:,} activities, "
                    f"{result.participants:,} participants ({time.perf_counter() - started:.0f} s)"
                )
        with transaction.atomic():
            first_editions = (
                Activity.objects.filter(series__in=list(self.series.values()))
                .values("series")
                .annotate(first=Min("start_date"))
            )
            for row in first_editions:
                Series.objects.filter(pk=row["series"]).update(since=row["first"].year)
            versions.changed(versions.ACTIVITIES, versions.PARTICIPANTS)
        result.seconds = time.perf_counter() - started
        return result


def generate(
    *,
    activities: int,
    participants: int,
    seed: int,
    reference: date = REFERENCE_DATE,
    progress: Callable[[str], None] | None = None,
) -> Result:
    return Generator(seed=seed, reference=reference).run(
        activities=activities, participants=participants, progress=progress
    )


@transaction.atomic
def add_participants(
    activity: Activity, count: int, *, seed: int, status: str = Participant.Status.APPROVED
) -> int:
    """``count`` generated participants for an existing activity, all with ``status`` and all with an
    e-mail address (for benchmarks that need one large activity)."""
    generator = Generator(seed=seed)
    home = activity.country_id if activity.country_id in generator.weight else None
    national = activity.level == Activity.Level.NATIONAL and home is not None
    plan = Plan(
        provider=activity.provider,
        theme="judicial",
        kind=activity.kind.code,
        level=activity.level,
        start=activity.start_date,
        end=activity.end_date,
        host=home,
        city=activity.city,
        online=activity.online,
        status=activity.status,
        is_public=activity.is_public,
        registration=activity.registration,
        deadline=None,
        capacity=activity.capacity,
        pool=generator.pool(("country", home), [home])
        if national
        else generator.pool("world", generator.codes),
        size=count,
        series_key=None,
        anonymous=True,
        languages=[],
        topics=[],
        audiences=[],
        co_organiser=None,
    )
    rows = generator.participants(plan, activity.pk, count, serial=1)
    for n, row in enumerate(rows, start=1):
        row["status"] = status
        row["decided_at"] = row["decided_at"] or row["consent_at"]
        if not row["email"]:
            row["email"] = f"participant.{n}@{row['country_id'].lower()}.example"
            row["dedupe_key"] = dedupe_key(
                email=row["email"],
                given_name=row["given_name"],
                family_name=row["family_name"],
                country_id=row["country_id"],
                organisation_name=row["organisation_name"],
            )
    versions.changed(versions.PARTICIPANTS)
    return _insert(Participant, PARTICIPANT_COLUMNS, rows)


@transaction.atomic
def clear() -> dict[str, int]:
    """Remove every generated row: the generated activities with everything that hangs on them,
    then generated series and organisations nothing else uses. Demo and real rows stay."""
    counts = Counter()
    ids = list(generated_activities().order_by("pk").values_list("pk", flat=True))
    for first in range(0, len(ids), CHUNK):
        chunk = ids[first : first + CHUNK]
        # Certificates protect their participant and nominations their invitation (records of what
        # was issued and who nominated whom): the rows below an activity go first, each in one
        # statement, then the activities with the rest of what hangs on them.
        for model, below in (
            (Certificate, "participant__activity_id__in"),
            (Attendance, "participant__activity_id__in"),
            (EvaluationReceipt, "activity_id__in"),
            (Evaluation, "activity_id__in"),
            (Participant, "activity_id__in"),
        ):
            counts.update(model.objects.filter(**{below: chunk}).delete()[1])
        counts.update(Activity.objects.filter(pk__in=chunk).delete()[1])
    versions.changed(versions.ACTIVITIES, versions.PARTICIPANTS)
    counts["events.Series"] += Series.objects.filter(
        slug__startswith=SLUG_PREFIX, activities__isnull=True
    ).delete()[0]
    for org in Organisation.objects.filter(slug__startswith=SLUG_PREFIX).order_by("slug"):
        if not (org.activities.exists() or org.activity_series.exists() or org.memberships.exists()):
            org.delete()
            counts["core.Organisation"] += 1
    return {
        "activities": counts["events.Activity"],
        "participants": counts["events.Participant"],
        "series": counts["events.Series"],
        "organisations": counts["core.Organisation"],
    }

"""Demo data: organisations, member states, region groupings, vocabularies and one user per persona.

Everything is keyed on natural keys and written only where it differs, so loading twice changes
nothing. The words come from the seed documents (see docs/demo-data.md).
"""

from __future__ import annotations

import json
from pathlib import Path

from django.db import models, transaction

from ipassist.core.models import (
    ActivityType,
    AudienceType,
    Country,
    Membership,
    Organisation,
    ProfessionalBackground,
    RegionGrouping,
    Topic,
    User,
)
from ipassist.core.reference import set_m2m, upsert

DEMO_DIR = Path(__file__).resolve().parent / "demo"
LANGS = ("en", "fr", "es", "ar")
DEMO_PASSWORD = "ipassist-demo"  # noqa: S105 — printed by `ipassist demo`; demo data refuses to load with DEBUG off

# The League of Arab States: the countries of a provider's bureau for Arab countries.
ARAB_STATES = {
    "DZ", "BH", "KM", "DJ", "EG", "IQ", "JO", "KW", "LB", "LY", "MR",
    "MA", "OM", "PS", "QA", "SA", "SO", "SD", "SY", "TN", "AE", "YE",
}  # fmt: skip


def _translated(prefix: str, texts: dict | None) -> dict:
    texts = texts or {}
    return {f"{prefix}_{lang}": texts.get(lang, "") for lang in LANGS}


def _grouping_countries(rule: str) -> models.QuerySet[Country]:
    countries = Country.objects.all()
    if rule == "arab":
        return countries.filter(code__in=ARAB_STATES)
    if rule == "africa":
        return countries.filter(region_id="002").exclude(code__in=ARAB_STATES)
    if rule == "latin-america-caribbean":
        return countries.filter(subregion_id="419")
    if rule == "asia-pacific":
        return (
            countries.filter(region_id__in=["142", "009"])
            .exclude(code__in=ARAB_STATES)
            .exclude(subregion_id="143")
        )
    if rule == "europe-asia":
        return countries.filter(
            models.Q(region_id="150") | models.Q(subregion_id="143") | models.Q(subregion_id="021")
        )
    raise ValueError(f"unknown grouping rule {rule!r}")


@transaction.atomic
def load_vocabularies() -> int:
    data = json.loads((DEMO_DIR / "vocabularies.json").read_text(encoding="utf-8"))
    changed = 0
    for key, model in (("topics", Topic), ("audiences", AudienceType), ("activity_types", ActivityType)):
        for position, term in enumerate(data[key]):
            _obj, did = upsert(
                model, {"code": term["code"]}, {"position": position, **_translated("label", term["labels"])}
            )
            changed += did
    audiences = {a.code: a.pk for a in AudienceType.objects.all()}
    for position, term in enumerate(data["backgrounds"]):
        values = {
            "position": position,
            "audience_id": audiences.get(term["audience"]),
            **_translated("label", term["labels"]),
        }
        _obj, did = upsert(ProfessionalBackground, {"code": term["code"]}, values)
        changed += did
    return changed


@transaction.atomic
def load_organisations_and_users() -> tuple[int, list[dict]]:
    data = json.loads((DEMO_DIR / "organisations.json").read_text(encoding="utf-8"))
    changed = 0
    for row in data["organisations"]:
        values = {
            "kind": row["kind"],
            "country_id": row.get("country"),
            "website": row.get("website", ""),
            "iati_identifier": row.get("iati_identifier", ""),
            **_translated("name", row["name"]),
            **_translated("acronym", row.get("acronym")),
        }
        _obj, did = upsert(Organisation, {"slug": row["slug"]}, values)
        changed += did
    for row in data["organisations"]:  # parents once every organisation exists
        if row.get("parent"):
            parent = Organisation.objects.get(slug=row["parent"])
            _obj, did = upsert(Organisation, {"slug": row["slug"]}, {"parent_id": parent.pk})
            changed += did
    for row in data["groupings"]:
        owner = Organisation.objects.get(slug=row["owner"])
        grouping, did = upsert(
            RegionGrouping, {"owner": owner, "code": row["code"]}, _translated("name", row["name"])
        )
        changed += did
        changed += set_m2m(grouping.countries, _grouping_countries(row["rule"]))
    logins = []
    for row in data["users"]:
        user = User.objects.filter(email=row["email"]).first()
        if user is None:
            superuser = row.get("superuser", False)
            user = User.objects.create_user(
                row["email"],
                DEMO_PASSWORD,
                full_name=row["full_name"],
                is_staff=superuser,
                is_superuser=superuser,
            )
            changed += 1
        organisation = Organisation.objects.get(slug=row["organisation"])
        _m, did = upsert(
            Membership, {"user": user, "organisation": organisation, "role": row["role"]}, {"is_active": True}
        )
        changed += did
        logins.append(
            {
                "persona": row["persona"],
                "email": row["email"],
                "organisation": organisation.acronym_en or organisation.name_en,
            }
        )
    return changed, logins

"""Loading reference data: ISO 3166 countries and UN M49 regions, named in the six UN languages.

Country codes come from pycountry (ISO 3166-1); names in every language from CLDR through Babel;
the M49 hierarchy from ``data/m49.json`` (generated from CLDR by scripts/gen_m49.py). Loading is
idempotent: it updates what exists and adds what is missing.
"""

from __future__ import annotations

import json
from pathlib import Path

import pycountry
from babel import Locale
from django.db import models, transaction

from ipassist.core.i18n import UN_LANGUAGES
from ipassist.core.models import Country, Region

M49_FILE = Path(__file__).resolve().parent / "data" / "m49.json"


def upsert(model: type[models.Model], lookup: dict, values: dict) -> tuple[models.Model, bool]:
    """Create, or update only the fields that differ. Returns (object, changed)."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        return model.objects.create(**lookup, **values), True
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.save(update_fields=changed)
    return obj, bool(changed)


def set_m2m(manager, objects) -> bool:
    wanted = {o.pk for o in objects}
    if set(manager.values_list("pk", flat=True)) == wanted:
        return False
    manager.set(wanted)
    return True


def _names(code: str, fallback: str) -> dict[str, str]:
    names = {}
    for lang in UN_LANGUAGES:
        names[f"name_{lang}"] = Locale(lang).territories.get(code) or fallback
    return names


@transaction.atomic
def sync_reference() -> dict[str, int]:
    data = json.loads(M49_FILE.read_text())
    parents = {row["code"]: row["parent"] for row in data["regions"]}
    # Parents first, so every foreign key points at a saved row.
    ordered = sorted(
        data["regions"], key=lambda row: ["world", "region", "subregion", "intermediate"].index(row["level"])
    )
    for row in ordered:
        upsert(
            Region,
            {"code": row["code"]},
            {"level": row["level"], "parent_id": row["parent"], **_names(row["code"], row["code"])},
        )
    levels = {row["code"]: row["level"] for row in data["regions"]}
    for entry in pycountry.countries:
        chain: dict[str, str] = {}
        area = data["countries"].get(entry.alpha_2)
        while area and area != "001":
            chain[levels[area]] = area
            area = parents[area]
        upsert(
            Country,
            {"code": entry.alpha_2},
            {
                "alpha3": entry.alpha_3,
                "numeric": entry.numeric,
                "region_id": chain.get("region"),
                "subregion_id": chain.get("subregion"),
                "intermediate_region_id": chain.get("intermediate"),
                **_names(entry.alpha_2, getattr(entry, "common_name", None) or entry.name),
            },
        )
    return {"regions": Region.objects.count(), "countries": Country.objects.count()}

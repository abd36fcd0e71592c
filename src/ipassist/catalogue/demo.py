"""Demo programmes: the CDIP menu of options, WIPO's Building Respect for IP offers and INTERPOL's
legal services, each in English, French, Spanish and Arabic (files under ``demo/programmes/``)."""

from __future__ import annotations

import json
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from ipassist.catalogue.models import Programme, ProgrammeVersion
from ipassist.core.models import ActivityType, AudienceType, Organisation, Topic
from ipassist.core.reference import set_m2m, upsert

PROGRAMME_DIR = Path(__file__).resolve().parent / "demo" / "programmes"


def programme_files() -> list[Path]:
    return sorted(PROGRAMME_DIR.glob("*.json"))


@transaction.atomic
def load_programmes() -> int:
    changed = 0
    for path in programme_files():
        row = json.loads(path.read_text(encoding="utf-8"))
        provider = Organisation.objects.get(slug=row["provider"].lower())
        programme = Programme.objects.filter(slug=row["key"]).first()
        values = {
            "provider": provider,
            "original_language": row["original_language"],
            "reference": row["reference"],
        }
        if programme is None:
            values.update(status=Programme.Status.PUBLISHED, published_at=timezone.now())
        programme, did = upsert(Programme, {"slug": row["key"]}, values)
        changed += did
        changed += set_m2m(programme.audiences, AudienceType.objects.filter(code__in=row["audiences"]))
        changed += set_m2m(programme.topics, Topic.objects.filter(code__in=row["topics"]))
        changed += set_m2m(
            programme.activity_types, ActivityType.objects.filter(code__in=row["activity_types"])
        )
        for language, text in row["versions"].items():
            fields = {name: text.get(name, "") for name in ProgrammeVersion.TEXT_FIELDS}
            _v, did = upsert(ProgrammeVersion, {"programme": programme, "language": language}, fields)
            changed += did
    return changed

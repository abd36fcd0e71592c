"""``GET /api/activities?limit=&offset=`` for an anonymous caller, by hand: the same rows, order,
fields and page links, from raw SQL (a count, one joined page query, one query per many-to-many)
and json.dumps, without the ORM, pydantic or django-ninja."""

from __future__ import annotations

import json
from collections import defaultdict

from django.db import connection
from django.http import HttpResponse

LANGS = ("en", "fr", "es", "ar")
WHERE = "a.is_public AND a.status <> 'draft'"
COLUMNS = (
    "a.id, "
    + ", ".join(f"a.title_{x}" for x in LANGS)
    + ", "
    + ", ".join(f"a.description_{x}" for x in LANGS)
    + ", k.code, k.label_en, a.level, a.status, a.is_public, a.start_date, a.end_date, a.city, "
    "c.code, c.name_en, "
    "a.venue, a.online, p.slug, p.name_en, p.acronym_en, s.slug, a.working_languages, a.registration, "
    "a.registration_deadline, a.capacity, a.updated_at"
)
PAGE = (
    f"SELECT {COLUMNS} FROM events_activity a JOIN core_activitytype k ON k.id = a.kind_id "
    "LEFT JOIN core_country c ON c.code = a.country_id JOIN core_organisation p ON p.id = a.provider_id "
    f"LEFT JOIN events_series s ON s.id = a.series_id WHERE {WHERE} "
    "ORDER BY a.start_date DESC, a.id DESC LIMIT %s OFFSET %s"
)
M2M = {
    "co_organisers": "SELECT t.activity_id, o.slug, o.name_en, o.acronym_en "
    "FROM events_activity_co_organisers t "
    "JOIN core_organisation o ON o.id = t.organisation_id WHERE t.activity_id IN ({}) ORDER BY o.name_en",
    "topics": "SELECT t.activity_id, v.code, v.label_en FROM events_activity_topics t JOIN core_topic v "
    "ON v.id = t.topic_id WHERE t.activity_id IN ({}) ORDER BY v.position, v.code",
    "audiences": "SELECT t.activity_id, v.code, v.label_en FROM events_activity_audiences t "
    "JOIN core_audiencetype v "
    "ON v.id = t.audiencetype_id WHERE t.activity_id IN ({}) ORDER BY v.position, v.code",
}


def _int(value, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _link(request, limit: int, offset: int) -> str:
    query = request.GET.copy()
    query["limit"], query["offset"] = str(limit), str(offset)
    return f"{request.path}?{query.urlencode()}"


def activities(request):
    limit = min(max(_int(request.GET.get("limit"), 50), 1), 100)
    offset = max(_int(request.GET.get("offset"), 0), 0)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM events_activity a WHERE {WHERE}")
        count = cursor.fetchone()[0]
        cursor.execute(PAGE, [limit, offset])
        rows = cursor.fetchall()
        ids = ",".join(str(r[0]) for r in rows) or "0"
        related = {}
        for name, sql in M2M.items():
            cursor.execute(sql.format(ids))
            found = defaultdict(list)
            for activity_id, *values in cursor.fetchall():
                found[activity_id].append(values)
            related[name] = found
    results = []
    for r in rows:
        (pk, *texts), rest = r[:9], r[9:]
        (
            kind,
            kind_label,
            level,
            status,
            public,
            start,
            end,
            city,
            c_code,
            c_name,
            venue,
            online,
            p_slug,
            p_name,
            p_acronym,
            series,
            languages,
            registration,
            deadline,
            capacity,
            updated,
        ) = rest
        results.append(
            {
                "id": pk,
                "url": f"/en/events/{pk}/",
                "title": dict(zip(LANGS, (t or "" for t in texts[:4]), strict=True)),
                "description": dict(zip(LANGS, (t or "" for t in texts[4:]), strict=True)),
                "type": {"code": kind, "label": kind_label},
                "level": level,
                "status": status,
                "is_public": bool(public),
                "start_date": str(start),
                "end_date": str(end),
                "city": city,
                "country": {"code": c_code, "name": c_name} if c_code else None,
                "venue": venue,
                "online": bool(online),
                "provider": {"slug": p_slug, "name": p_name, "acronym": p_acronym},
                "co_organisers": [
                    {"slug": s, "name": n, "acronym": a} for s, n, a in related["co_organisers"].get(pk, [])
                ],
                "series": series,
                "topics": [{"code": c, "label": lb} for c, lb in related["topics"].get(pk, [])],
                "audiences": [{"code": c, "label": lb} for c, lb in related["audiences"].get(pk, [])],
                "working_languages": json.loads(languages) if isinstance(languages, str) else languages,
                "registration": registration,
                "registration_deadline": str(deadline) if deadline else None,
                "capacity": capacity,
                "updated_at": updated if isinstance(updated, str) else updated.isoformat(),
            }
        )
    body = {
        "count": count,
        "limit": limit,
        "offset": offset,
        "next": _link(request, limit, offset + limit) if offset + limit < count else None,
        "previous": _link(request, limit, max(0, offset - limit)) if offset > 0 else None,
        "results": results,
    }
    return HttpResponse(json.dumps(body), content_type="application/json")

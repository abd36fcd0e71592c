"""Schemas and input helpers shared by the routers: vocabulary terms, countries, organisations,
texts in the four languages, and strings that are safe to store."""

from __future__ import annotations

from typing import Annotated

from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import AfterValidator

from ipassist.api.errors import bad_request
from ipassist.core.models import Country, Organisation, Region


def _storable(value: str) -> str:
    """Refuse what a database cannot store: NUL characters and unpaired surrogates."""
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("must be valid Unicode text") from None
    return value


#: A string from the caller, checked before it reaches the database.
Text = Annotated[str, AfterValidator(_storable)]


class TermOut(Schema):
    """A term of a controlled vocabulary; ``label`` is in the language of the request."""

    code: str
    label: str


class CountryOut(Schema):
    code: str
    name: str


class OrganisationOut(Schema):
    slug: str
    name: str
    acronym: str


class TranslatedOut(Schema):
    en: str
    fr: str
    es: str
    ar: str


def translated(obj, name: str) -> dict[str, str]:
    return {lang: getattr(obj, f"{name}_{lang}") or "" for lang in ("en", "fr", "es", "ar")}


def term(obj) -> dict | None:
    return {"code": obj.code, "label": obj.label} if obj is not None else None


def country(obj) -> dict | None:
    return {"code": obj.code, "name": obj.name} if obj is not None else None


def organisation(obj) -> dict | None:
    return {"slug": obj.slug, "name": obj.name, "acronym": obj.acronym} if obj is not None else None


# --- looking up the codes a caller sends ------------------------------------------------------------


def lookup(queryset, field: str, value, *, param: str, location: str = "query"):
    """The row of ``queryset`` whose ``field`` is ``value``, or 400 naming the parameter."""
    found = queryset.filter(**{field: value}).first()
    if found is None:
        raise bad_request(
            param,
            _("Unknown value for “%(param)s”: %(value)s.") % {"param": param, "value": str(value)[:100]},
            location=location,
        )
    return found


def lookup_many(queryset, field: str, values: list, *, param: str, location: str = "body") -> list:
    """The rows for each of ``values``, or 400 naming the parameter and the unknown values."""
    wanted = list(dict.fromkeys(values))
    found = {getattr(row, field): row for row in queryset.filter(**{f"{field}__in": wanted})}
    missing = [str(v)[:100] for v in wanted if v not in found]
    if missing:
        raise bad_request(
            param,
            _("Unknown values for “%(param)s”: %(values)s.") % {"param": param, "values": ", ".join(missing)},
            location=location,
        )
    return [found[v] for v in wanted]


def lookup_country(code: str, *, param: str = "country", location: str = "query") -> Country:
    return lookup(Country.objects.all(), "code", code.upper(), param=param, location=location)


def lookup_region(code: str, *, param: str = "region") -> Region:
    return lookup(Region.objects.all(), "code", code, param=param)


def lookup_organisation(slug: str, *, param: str, location: str = "query") -> Organisation:
    return lookup(Organisation.objects.filter(is_active=True), "slug", slug, param=param, location=location)

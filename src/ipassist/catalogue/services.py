"""Writes to the catalogue. Each service checks permission, changes state, and records the audit."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from ipassist.catalogue import access
from ipassist.catalogue.models import Programme, ProgrammeVersion
from ipassist.core import audit
from ipassist.core.access import Need, deny
from ipassist.core.concurrency import check_revision
from ipassist.core.models import AuditEntry

META_FIELDS = ("provider", "original_language", "reference")
TERM_FIELDS = ("audiences", "topics", "activity_types")


def _unique_slug(title: str) -> str:
    base = slugify(title)[:80].strip("-") or "programme"
    slug, n = base, 2
    while Programme.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _write_versions(programme: Programme, versions: dict[str, dict]) -> list[str]:
    """Create, update or remove language versions; return the names of what changed."""
    changed: list[str] = []
    existing = {v.language: v for v in programme.versions.all()}
    for language, values in versions.items():
        current = existing.get(language)
        if not values:
            if current is not None:
                current.delete()
                changed.append(f"{language}:removed")
            continue
        if current is None:
            ProgrammeVersion.objects.create(programme=programme, language=language, **values)
            changed.append(f"{language}:added")
            continue
        diff = [
            name for name in ProgrammeVersion.TEXT_FIELDS if getattr(current, name) != values.get(name, "")
        ]
        if diff:
            for name in diff:
                setattr(current, name, values.get(name, ""))
            current.save()
            changed.extend(f"{language}:{name}" for name in diff)
    return changed


@transaction.atomic
def programme_create(*, by, data: dict, versions: dict[str, dict], request=None) -> Programme:
    access.require_can_create(by)
    if not access.providers_for(by).filter(pk=data["provider"].pk).exists():
        deny()
    original = versions[data["original_language"]]
    programme = Programme.objects.create(
        slug=_unique_slug(original["title"]),
        provider=data["provider"],
        original_language=data["original_language"],
        reference=data.get("reference", ""),
        created_by=by,
    )
    for name in TERM_FIELDS:
        getattr(programme, name).set(data.get(name) or [])
    _write_versions(programme, versions)
    audit.record(by, "programme.created", programme, request=request, revision=programme.revision)
    return programme


@transaction.atomic
def programme_update(
    *, programme: Programme, by, expected_revision: int, data: dict, versions: dict[str, dict], request=None
) -> Programme:
    # Lock the row and re-read it: the check and the write must see the same revision.
    programme = access.get_programme_for_user(by, programme.slug, need=Need.EDIT)
    locked = Programme.objects.select_for_update().get(pk=programme.pk)
    check_revision(locked, expected_revision, "programme.updated")
    if (
        data["provider"].pk != locked.provider_id
        and not access.providers_for(by).filter(pk=data["provider"].pk).exists()
    ):
        deny()
    changed = [name for name in META_FIELDS if getattr(locked, name) != data.get(name, getattr(locked, name))]
    for name in META_FIELDS:
        setattr(locked, name, data.get(name, getattr(locked, name)))
    for name in TERM_FIELDS:
        before = set(getattr(locked, name).values_list("pk", flat=True))
        after = {term.pk for term in data.get(name) or []}
        if before != after:
            getattr(locked, name).set(after)
            changed.append(name)
    changed += _write_versions(locked, versions)
    if not changed:
        return locked
    locked.revision += 1
    locked.save()
    audit.record(by, "programme.updated", locked, request=request, revision=locked.revision, changed=changed)
    return locked


def _transition(*, programme: Programme, by, status: str, action: str, request=None) -> Programme:
    programme = access.get_programme_for_user(by, programme.slug, need=Need.PUBLISH)
    locked = Programme.objects.select_for_update().get(pk=programme.pk)
    locked.transition_to(status)  # raises InvalidTransition, and the transaction rolls back
    if status == Programme.Status.PUBLISHED:
        locked.published_at = timezone.now()
    locked.revision += 1
    locked.save(update_fields=["status", "published_at", "revision", "updated_at"])
    audit.record(by, action, locked, request=request, revision=locked.revision, status=status)
    return locked


@transaction.atomic
def programme_publish(*, programme: Programme, by, request=None) -> Programme:
    return _transition(
        programme=programme,
        by=by,
        status=Programme.Status.PUBLISHED,
        action="programme.published",
        request=request,
    )


@transaction.atomic
def programme_unpublish(*, programme: Programme, by, request=None) -> Programme:
    return _transition(
        programme=programme,
        by=by,
        status=Programme.Status.DRAFT,
        action="programme.unpublished",
        request=request,
    )


@transaction.atomic
def programme_archive(*, programme: Programme, by, request=None) -> Programme:
    return _transition(
        programme=programme,
        by=by,
        status=Programme.Status.ARCHIVED,
        action="programme.archived",
        request=request,
    )


def record_internal_read(*, programme: Programme, by, request=None) -> AuditEntry | None:
    """Reading a programme that is not public is written to the audit log."""
    if programme.status == Programme.Status.PUBLISHED:
        return None
    return audit.record(by, "programme.viewed", programme, request=request, status=programme.status)

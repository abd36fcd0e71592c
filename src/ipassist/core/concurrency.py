"""Optimistic concurrency for edits made through forms.

An editable record carries a ``revision`` counter. The form sends back the revision it was loaded
at; the service locks the row, compares, and refuses a stale edit with :class:`StaleEdit`, which
says who changed which fields since then (read from the audit log), so nothing is lost silently.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import pgettext

from ipassist.core import audit


@dataclass
class StaleEdit(Exception):
    """The record changed since the editor loaded it; ``changes`` says by whom and what."""

    current_revision: int
    changes: list[dict] = field(default_factory=list)


def changes_since(target: models.Model, action: str, revision: int) -> list[dict]:
    """Who changed what after ``revision``, from the audit entries ``action`` on ``target``."""
    entries = (
        audit.entries_for(target).filter(action=action, data__revision__gt=revision).order_by("at", "id")
    )
    return [{"by": e.actor_label, "at": e.at, "fields": e.data.get("changed", [])} for e in entries]


def check_revision(locked: models.Model, expected: int, action: str) -> None:
    """Raise StaleEdit when the locked row's revision is not the one the editor started from."""
    if locked.revision != expected:
        raise StaleEdit(current_revision=locked.revision, changes=changes_since(locked, action, expected))


def field_labels(model: type[models.Model], names: list[str]) -> str:
    """The labels of ``model``'s fields, for "who changed what" lines."""
    return pgettext("list separator", ", ").join(
        str(model._meta.get_field(name).verbose_name) for name in names
    )


def describe(stale: StaleEdit, model: type[models.Model]) -> StaleEdit:
    """Add the readable ``labels`` of the changed fields to each change of a refused edit."""
    for change in stale.changes:
        change["labels"] = field_labels(model, change["fields"])
    return stale

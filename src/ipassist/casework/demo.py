"""Demo requests for assistance from the demo member states, in different states of the workflow.

They are made through the services, as people would make them, so each has its timeline, thread,
audit entries and documents. A request whose subject already exists is left alone: loading again
changes nothing.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.utils import override_settings

from ipassist.casework import services
from ipassist.casework.models import AssistanceRequest
from ipassist.catalogue.models import Programme
from ipassist.core.models import Organisation, User

DEMO_DIR = Path(__file__).resolve().parent / "demo"


def _date(value: str) -> date | None:
    return date.fromisoformat(value) if value else None


def _fresh(user: User) -> User:
    # Access checks cache memberships on the user object; a fresh object sees the current ones.
    return User.objects.get(pk=user.pk)


def _step(case: AssistanceRequest, who: User, action: str, argument: str) -> None:
    if action == "lead":
        services.lead_set(case=case, by=who, lead=User.objects.get(email=argument))
    elif action == "assign":
        services.expert_assign(case=case, by=who, expert=User.objects.get(email=argument))
    elif action == "undertaking":
        assignment = case.assignments.get(expert=who)
        services.undertaking_accept(
            assignment=assignment, by=who, text=f"Confidentiality undertaking for request {case.reference}."
        )
    elif action in ("message", "note"):
        services.message_post(case=case, by=who, body=argument, internal=action == "note")
    else:
        services.request_transition(case=case, by=who, action=action, text=argument)


# The demo requests are history: their follow-up work (text extraction) runs at once, and their
# e-mails, to example.* addresses, are kept in memory and dropped instead of being sent or printed.
QUIET = {
    "TASKS": {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
    "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
}


def load_requests() -> int:
    with override_settings(**QUIET):
        return _load_requests()


def _load_requests() -> int:
    created = 0
    for row in json.loads((DEMO_DIR / "requests.json").read_text(encoding="utf-8")):
        if AssistanceRequest.objects.filter(title=row["title"]).exists():
            continue
        author = User.objects.get(email=row["by"])
        data = {
            "requester": Organisation.objects.get(memberships__user=author, memberships__role="focal_point"),
            "provider": Organisation.objects.get(slug=row["provider"]),
            "programme": Programme.objects.filter(slug=row["programme"]).first()
            if row["programme"]
            else None,
            "desired_start": _date(row["desired_start"]),
            "desired_end": _date(row["desired_end"]),
            **{
                name: row[name]
                for name in ("kind", "title", "institution", "description", "timeframe_note", "contacts")
            },
            "working_languages": row["working_languages"],
        }
        uploads = []
        if "document" in row:
            path = DEMO_DIR / row["document"]["file"]
            uploads.append((SimpleUploadedFile(path.name, path.read_bytes()), row["document"]["description"]))
        case = services.request_create(by=_fresh(author), data=data, uploads=uploads)
        for email, action, argument in row["steps"]:
            _step(case, _fresh(User.objects.get(email=email)), action, argument)
        created += 1
    return created

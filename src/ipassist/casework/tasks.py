"""Background work for case files: e-mail notifications and text extraction.

Tasks receive ids, never content, and read through the same access rules as the pages: an
e-mail goes only to people who may read the request at the moment it is sent, and carries the
reference and a link — never the subject, the description, a message or a document.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

logger = logging.getLogger(__name__)


def _subject(event) -> str | None:
    """The subject line for a timeline event, or None when the event sends no e-mail."""
    reference = event.request.reference
    if event.kind == "transition":
        if event.data.get("action") == "submit":
            return _("Request %(reference)s was submitted") % {"reference": reference}
        return _("Request %(reference)s is now: %(state)s") % {
            "reference": reference,
            "state": event.request.State(event.data["after"]).label,
        }
    if event.kind in ("message", "note"):
        return _("New message on request %(reference)s") % {"reference": reference}
    if event.kind == "document":
        return _("New document on request %(reference)s") % {"reference": reference}
    if event.kind == "assigned":
        return _("You have been asked to work on request %(reference)s") % {"reference": reference}
    if event.kind == "undertaking":
        return _("An expert accepted the confidentiality undertaking of request %(reference)s") % {
            "reference": reference
        }
    if event.kind == "assignment_declined":
        return _("An expert declined the assignment to request %(reference)s") % {"reference": reference}
    return None


@task()
def notify_event(event_id: int) -> int:
    """E-mail the people on a request about one timeline event; return how many were sent."""
    from ipassist.casework import access
    from ipassist.casework.models import Assignment, Event

    event = Event.objects.select_related("request").filter(pk=event_id).first()
    if event is None:
        return 0
    case = event.request
    if event.kind == "assigned":
        # Only the assigned expert hears of an assignment, and only that it exists.
        assignment = Assignment.objects.live().filter(pk=event.data.get("assignment")).first()
        people = [assignment.expert] if assignment else []
        path_name, kwargs = "casework:undertaking", {"pk": event.data.get("assignment")}
    else:
        people = access.recipients(case, internal=event.internal).exclude(pk=event.actor_id)
        path_name, kwargs = "casework:detail", {"pk": case.pk}
    if _subject(event) is None:
        return 0
    sent = 0
    for person in people:
        with translation.override(person.preferred_language or settings.LANGUAGE_CODE):
            subject = _subject(event)
            link = settings.SITE_URL.rstrip("/") + reverse(path_name, kwargs=kwargs)
            body = "\n\n".join(
                [
                    subject + ".",
                    _("Open it in ipassist (sign-in required): %(link)s") % {"link": link},
                    _(
                        "For confidentiality, this e-mail does not contain the request's content. "
                        "You receive it because you take part in this request."
                    ),
                ]
            )
        sent += send_mail(f"[ipassist] {subject}", body, None, [person.email], fail_silently=False)
    return sent


@task()
def extract_document_text(document_id: int) -> str:
    """Extract a document's text for search and assessment; mark files without a text layer."""
    from ipassist.casework.models import Document
    from ipassist.casework.uploads import UploadRejected, extract_text

    document = Document.objects.filter(pk=document_id).first()
    if document is None:
        return "missing"
    try:
        with default_storage.open(document.file.name, "rb") as handle:
            extracted = extract_text(
                handle, document.kind, max_unzipped_bytes=settings.CASEWORK_MAX_UNZIPPED_BYTES
            )
    except (UploadRejected, OSError) as exc:
        logger.warning("Text extraction failed for document %s: %s", document_id, exc)
        document.extraction, document.text = Document.Extraction.FAILED, ""
    else:
        document.text = extracted.text
        document.extraction = (
            Document.Extraction.DONE if extracted.has_text_layer else Document.Extraction.NO_TEXT
        )
    document.extracted_at = timezone.now()
    document.save(update_fields=["text", "extraction", "extracted_at"])
    return document.extraction

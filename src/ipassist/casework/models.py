"""Requests for assistance: confidential case files from a member state's request to delivery.

A request belongs to the provider it is addressed to and to the requesting organisation (a member
state's government or one of its institutions). Who may see it is decided in ``access.py`` only.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ipassist.core.models import Country, Organisation

# Working languages a request may name: the six UN languages and Portuguese, which many
# requesting states in Africa and Latin America work in.
WORKING_LANGUAGES = [
    ("en", _("English")),
    ("fr", _("French")),
    ("es", _("Spanish")),
    ("ar", _("Arabic")),
    ("zh", _("Chinese")),
    ("ru", _("Russian")),
    ("pt", _("Portuguese")),
]


class InvalidTransition(Exception):
    """A workflow move that the request's state or the caller's role does not allow."""


class TextRequired(InvalidTransition):
    """An allowed move that must carry a reason, a question or an answer, and came without one."""


class Side(models.TextChoices):
    """Which side of a request a person acts for; transitions are allowed per side."""

    REQUESTER = "requester", _("requesting state")
    PROVIDER = "provider", _("provider")


class AssistanceRequest(models.Model):
    class Kind(models.TextChoices):
        LEGISLATIVE = "legislative", _("Legislative assistance")
        LEGAL_ADVICE = "legal_advice", _("Legal advice on a case")
        TRAINING = "training", _("Training / capacity building")
        IP_STRATEGY = "ip_strategy", _("National IP strategy")
        INSTITUTIONAL = "institutional", _("Institutional development")
        AWARENESS = "awareness", _("Awareness")
        OTHER = "other", _("Other")

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        INFO_REQUESTED = "info_requested", _("Information requested")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        IN_PROGRESS = "in_progress", _("In progress")
        DELIVERED = "delivered", _("Delivered")
        CLOSED = "closed", _("Closed")

    # The workflow: action -> (states it starts from, state it leads to, side allowed to take it).
    TRANSITIONS: dict[str, tuple[frozenset[str], str, str]] = {
        "submit": (frozenset({State.DRAFT}), State.SUBMITTED, Side.REQUESTER),
        "answer": (frozenset({State.INFO_REQUESTED}), State.SUBMITTED, Side.REQUESTER),
        "withdraw": (
            frozenset({State.DRAFT, State.SUBMITTED, State.INFO_REQUESTED, State.ACCEPTED}),
            State.WITHDRAWN,
            Side.REQUESTER,
        ),
        "accept": (frozenset({State.SUBMITTED}), State.ACCEPTED, Side.PROVIDER),
        "decline": (frozenset({State.SUBMITTED, State.INFO_REQUESTED}), State.DECLINED, Side.PROVIDER),
        "request_info": (frozenset({State.SUBMITTED}), State.INFO_REQUESTED, Side.PROVIDER),
        "start": (frozenset({State.ACCEPTED}), State.IN_PROGRESS, Side.PROVIDER),
        "deliver": (frozenset({State.IN_PROGRESS}), State.DELIVERED, Side.PROVIDER),
        "reopen": (frozenset({State.DELIVERED}), State.IN_PROGRESS, Side.PROVIDER),
        "close": (frozenset({State.DELIVERED}), State.CLOSED, Side.PROVIDER),
    }
    ACTION_LABELS = {
        "submit": _("Submit the request"),
        "answer": _("Send the answer and resubmit"),
        "withdraw": _("Withdraw the request"),
        "accept": _("Accept"),
        "decline": _("Decline"),
        "request_info": _("Ask for information"),
        "start": _("Start work"),
        "deliver": _("Mark as delivered"),
        "reopen": _("Reopen"),
        "close": _("Close"),
    }
    # What the request form edits, in the order the form and a change list show them.
    CONTENT_FIELDS = (
        "provider",
        "kind",
        "programme",
        "title",
        "institution",
        "description",
        "desired_start",
        "desired_end",
        "timeframe_note",
        "working_languages",
        "contacts",
    )
    # Actions that must carry a written reason or question, shown to the requesting state.
    NEEDS_TEXT = {"decline", "request_info", "answer"}
    # States in which the requesting state may still change what it asked for.
    REQUESTER_EDITABLE = frozenset({State.DRAFT, State.SUBMITTED, State.INFO_REQUESTED})
    FINAL_STATES = frozenset({State.DECLINED, State.WITHDRAWN, State.CLOSED})

    reference = models.CharField(_("reference"), max_length=20, unique=True, editable=False)
    provider = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="requests_received",
        verbose_name=_("addressed to"),
    )
    requester = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="requests_made",
        verbose_name=_("requesting state organisation"),
    )
    # Copied from the requester when the request is created: inbox filters and counts by country
    # and region read it without a join through organisations.
    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("country")
    )
    kind = models.CharField(_("kind of assistance"), max_length=20, choices=Kind.choices)
    programme = models.ForeignKey(
        "catalogue.Programme",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="requests",
        verbose_name=_("catalogue programme"),
    )
    title = models.CharField(_("subject"), max_length=200)
    institution = models.CharField(_("requesting institution"), max_length=300)
    description = models.TextField(_("description of the need"), max_length=20000)
    desired_start = models.DateField(_("desired start"), null=True, blank=True)
    desired_end = models.DateField(_("desired end"), null=True, blank=True)
    timeframe_note = models.CharField(_("timeframe remarks"), max_length=300, blank=True)
    working_languages = models.JSONField(_("working languages"), default=list, blank=True)
    contacts = models.TextField(_("contact persons"), max_length=3000, blank=True)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.DRAFT)
    state_changed_at = models.DateTimeField(default=timezone.now)
    lead_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lead officer"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # When the provider first accepted it and when it was first delivered: the processing times of
    # the reports (submitted → accepted → delivered). Set once by the workflow, never moved back.
    accepted_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    # Incremented by every edit of the request's content; a stale edit is refused.
    revision = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["provider", "state", "-submitted_at"], name="request_inbox_idx"),
            models.Index(fields=["provider", "-submitted_at"], name="request_provider_recent_idx"),
            models.Index(fields=["requester", "state"], name="request_requester_idx"),
            models.Index(fields=["country", "state"], name="request_country_idx"),
        ]
        verbose_name = _("request for assistance")
        verbose_name_plural = _("requests for assistance")

    def __str__(self) -> str:
        # The reference only: it is what may appear in e-mails, logs and page titles.
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("casework:detail", kwargs={"pk": self.pk})

    def allowed_actions(self, side: str) -> list[str]:
        return [
            action
            for action, (sources, _target, actor_side) in self.TRANSITIONS.items()
            if actor_side == side and self.state in sources
        ]

    def transition(self, action: str, side: str) -> str:
        """Move to the state ``action`` leads to; raise InvalidTransition when it may not."""
        if action not in self.TRANSITIONS:
            raise InvalidTransition(_("This action does not exist."))
        sources, target, actor_side = self.TRANSITIONS[action]
        if actor_side != side:
            raise InvalidTransition(_("Only the other party to this request can do that."))
        if self.state not in sources:
            raise InvalidTransition(
                _("A request that is “%(state)s” cannot be moved on with “%(action)s”.")
                % {"state": self.get_state_display(), "action": self.ACTION_LABELS[action]}
            )
        self.state = target
        self.state_changed_at = timezone.now()
        return target


# Neither removed by an officer nor declined by the expert.
LIVE_ASSIGNMENT = models.Q(removed_at__isnull=True, declined_at__isnull=True)


class AssignmentQuerySet(models.QuerySet):
    def live(self) -> AssignmentQuerySet:
        return self.filter(LIVE_ASSIGNMENT)

    def accepted(self) -> AssignmentQuerySet:
        """Live, with the undertaking accepted: the expert can open the file."""
        return self.live().filter(undertaking_accepted_at__isnull=False)


class Assignment(models.Model):
    """An expert assigned to a request. The expert sees the file only after accepting the
    confidentiality undertaking; removing the assignment ends access at once."""

    request = models.ForeignKey(AssistanceRequest, on_delete=models.CASCADE, related_name="assignments")
    expert = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assignments")
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    assigned_at = models.DateTimeField(auto_now_add=True)
    undertaking_accepted_at = models.DateTimeField(null=True, blank=True)
    # The text the expert accepted, as shown to them, so later wording changes do not rewrite it.
    undertaking_text = models.TextField(blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["assigned_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "expert"],
                condition=LIVE_ASSIGNMENT,
                name="one_live_assignment_per_expert",
            )
        ]
        indexes = [models.Index(fields=["expert", "request"], name="assignment_expert_idx")]
        verbose_name = _("expert assignment")
        verbose_name_plural = _("expert assignments")

    def __str__(self) -> str:
        return f"{self.request.reference} — {self.expert}"


class Message(models.Model):
    """A message in the request's thread, or an internal note that only the provider's officers see."""

    request = models.ForeignKey(AssistanceRequest, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = models.TextField(_("message"), max_length=20000)
    internal = models.BooleanField(_("internal note"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["request", "internal", "created_at"], name="message_thread_idx")]
        verbose_name = _("message")
        verbose_name_plural = _("messages")

    def __str__(self) -> str:
        return f"{self.request.reference} #{self.pk}"


def _document_path(instance: Document, filename: str) -> str:
    # A generated name: the uploaded name is kept only as text, never used as a path.
    return f"casework/{instance.request_id}/{uuid.uuid4().hex}"


class Document(models.Model):
    class Extraction(models.TextChoices):
        PENDING = "pending", _("Text extraction pending")
        DONE = "done", _("Text extracted")
        NO_TEXT = "no_text", _("No text layer (scanned image?)")
        FAILED = "failed", _("Text could not be extracted")

    request = models.ForeignKey(AssistanceRequest, on_delete=models.CASCADE, related_name="documents")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    file = models.FileField(upload_to=_document_path, max_length=200)
    name = models.CharField(_("file name"), max_length=200)
    kind = models.CharField(max_length=8)
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    description = models.CharField(_("description"), max_length=300, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    extraction = models.CharField(max_length=10, choices=Extraction.choices, default=Extraction.PENDING)
    text = models.TextField(blank=True)
    extracted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return f"{self.request.reference}: {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("casework:document", kwargs={"pk": self.request_id, "document": self.pk})


class Event(models.Model):
    """One line of a request's timeline: a transition, an assignment, a document or a message.

    Timeline events are part of the case file and follow its visibility; events about internal
    notes are ``internal`` and shown to the provider's officers only. Reads of the file are not
    events: they go to the audit log.
    """

    class Kind(models.TextChoices):
        CREATED = "created", _("created the request")
        EDITED = "edited", _("edited the request")
        TRANSITION = "transition", _("moved the request")
        LEAD = "lead", _("set the lead officer")
        ASSIGNED = "assigned", _("assigned an expert")
        UNDERTAKING = "undertaking", _("accepted the confidentiality undertaking")
        ASSIGNMENT_DECLINED = "assignment_declined", _("declined the assignment")
        UNASSIGNED = "unassigned", _("removed an expert")
        DOCUMENT = "document", _("added a document")
        MESSAGE = "message", _("wrote a message")
        NOTE = "note", _("wrote an internal note")

    request = models.ForeignKey(AssistanceRequest, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    kind = models.CharField(max_length=24, choices=Kind.choices)
    internal = models.BooleanField(default=False)
    at = models.DateTimeField(default=timezone.now)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["request", "at"], name="event_timeline_idx")]

    def __str__(self) -> str:
        return f"{self.request.reference} {self.kind}"

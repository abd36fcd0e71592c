"""Capacity-building activities: workshops, seminars, colloquia, study visits, expert missions …

An activity has its organisers (the lead provider's officers, and officers of co-organisers), an
agenda of sessions with speakers, documents, invited states with nomination quotas, registrations
(participants) with a status, attendance per day, certificates and evaluations.

Participant records are personal data: who may read them is decided in ``access.py`` only.
"""

from __future__ import annotations

import math
import secrets
import uuid
from datetime import date, timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ipassist.core.i18n import pick
from ipassist.core.models import (
    ActivityType,
    AudienceType,
    Country,
    Organisation,
    ProfessionalBackground,
    Topic,
)

LANGUAGES = [("en", _("English")), ("fr", _("French")), ("es", _("Spanish")), ("ar", _("Arabic"))]
WORKING_LANGUAGES = [
    *LANGUAGES,
    ("zh", _("Chinese")),
    ("ru", _("Russian")),
    ("pt", _("Portuguese")),
    ("ko", _("Korean")),
]

#: The activity types of the events register (the catalogue's vocabulary has more: advice, studies …).
EVENT_TYPE_CODES = (
    "workshop",
    "seminar",
    "training_course",
    "meeting",
    "colloquium",
    "conference",
    "study_visit",
    "expert_mission",
    "distance_learning",
)


class InvalidTransition(Exception):
    """A registration move that its current status, the quota or the dates do not allow."""


class Translated(models.Model):
    """Title and description in the four languages of the case books; English is required."""

    title_en = models.CharField(_("title (English)"), max_length=300)
    title_fr = models.CharField(_("title (French)"), max_length=300, blank=True)
    title_es = models.CharField(_("title (Spanish)"), max_length=300, blank=True)
    title_ar = models.CharField(_("title (Arabic)"), max_length=300, blank=True)
    description_en = models.TextField(_("description (English)"), max_length=10000, blank=True)
    description_fr = models.TextField(_("description (French)"), max_length=10000, blank=True)
    description_es = models.TextField(_("description (Spanish)"), max_length=10000, blank=True)
    description_ar = models.TextField(_("description (Arabic)"), max_length=10000, blank=True)

    TRANSLATED_FIELDS = tuple(f"{name}_{lang}" for name in ("title", "description") for lang, _l in LANGUAGES)

    class Meta:
        abstract = True

    @property
    def title(self) -> str:
        return pick(self, "title")

    @property
    def description(self) -> str:
        return pick(self, "description")


class Series(Translated):
    """Recurring activities, one edition a year or so: e.g. the annual Interregional Workshop."""

    slug = models.SlugField(_("identifier"), max_length=100, unique=True)
    provider = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="activity_series",
        limit_choices_to={"kind": Organisation.Kind.PROVIDER},
        verbose_name=_("lead provider"),
    )
    since = models.PositiveSmallIntegerField(_("held since"), null=True, blank=True)

    class Meta:
        ordering = ["slug"]
        verbose_name = _("series")
        verbose_name_plural = _("series")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("events:series", kwargs={"slug": self.slug})


class Activity(Translated):
    class Level(models.TextChoices):
        NATIONAL = "national", _("National")
        SUBREGIONAL = "subregional", _("Sub-regional")
        REGIONAL = "regional", _("Regional")
        INTERREGIONAL = "interregional", _("Interregional")
        INTERNATIONAL = "international", _("International")

    class Status(models.TextChoices):
        DRAFT = "draft", _("In preparation")
        ANNOUNCED = "announced", _("Announced")
        CANCELLED = "cancelled", _("Cancelled")

    class Registration(models.TextChoices):
        NOMINATION = "nomination", _("By nomination of invited states")
        OPEN = "open", _("Open, with approval")
        CLOSED = "closed", _("No registration (by invitation of the organisers)")

    kind = models.ForeignKey(
        ActivityType,
        on_delete=models.PROTECT,
        related_name="activities",
        limit_choices_to={"code__in": EVENT_TYPE_CODES},
        verbose_name=_("type"),
    )
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    is_public = models.BooleanField(
        _("public"), default=False, help_text=_("Listed in the public register once announced.")
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    city = models.CharField(_("venue city"), max_length=120, blank=True)
    country = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("venue country"),
    )
    venue = models.CharField(_("venue"), max_length=300, blank=True)
    online = models.BooleanField(_("online"), default=False)
    provider = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="activities",
        limit_choices_to={"kind": Organisation.Kind.PROVIDER},
        verbose_name=_("lead provider"),
    )
    co_organisers = models.ManyToManyField(
        Organisation, related_name="co_organised_activities", blank=True, verbose_name=_("co-organisers")
    )
    series = models.ForeignKey(
        Series,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("series"),
    )
    programme = models.ForeignKey(
        "catalogue.Programme",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("catalogue programme"),
    )
    request = models.ForeignKey(
        "casework.AssistanceRequest",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("request for assistance"),
    )
    topics = models.ManyToManyField(Topic, related_name="activities", blank=True, verbose_name=_("topics"))
    audiences = models.ManyToManyField(
        AudienceType, related_name="activities", blank=True, verbose_name=_("target audiences")
    )
    working_languages = models.JSONField(_("working languages"), default=list, blank=True)
    registration = models.CharField(
        _("registration"), max_length=16, choices=Registration.choices, default=Registration.NOMINATION
    )
    registration_deadline = models.DateField(_("registration deadline"), null=True, blank=True)
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Seats for participants; empty means no limit.")
    )
    certificate_min_percent = models.PositiveSmallIntegerField(
        _("attendance needed for a certificate (percentage of days)"),
        default=80,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    evaluation_open = models.BooleanField(_("evaluation open"), default=False)
    evaluation_anonymous = models.BooleanField(
        _("anonymous evaluation"),
        default=True,
        help_text=_("Answers are stored without the participant's name; only that they answered."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    revision = models.PositiveIntegerField(default=1)

    # What the activity form edits; the services copy exactly these.
    CONTENT_FIELDS = (
        *Translated.TRANSLATED_FIELDS,
        "kind",
        "level",
        "is_public",
        "start_date",
        "end_date",
        "city",
        "country",
        "venue",
        "online",
        "series",
        "programme",
        "request",
        "working_languages",
        "registration",
        "registration_deadline",
        "capacity",
        "certificate_min_percent",
        "evaluation_open",
        "evaluation_anonymous",
    )
    M2M_FIELDS = ("co_organisers", "topics", "audiences")

    class Meta:
        ordering = ["-start_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="activity_dates_order"
            ),
        ]
        indexes = [
            models.Index(fields=["is_public", "status", "start_date"], name="activity_register_idx"),
            models.Index(fields=["provider", "start_date"], name="activity_provider_idx"),
        ]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("events:detail", kwargs={"pk": self.pk})

    @property
    def days(self) -> list[date]:
        count = (self.end_date - self.start_date).days + 1
        return [self.start_date + timedelta(days=n) for n in range(count)]

    @property
    def place(self) -> str:
        where = ", ".join(part for part in (self.city, self.country.name if self.country_id else "") if part)
        if self.online:
            return f"{where} + {_('online')}" if where else str(_("Online"))
        return where

    def days_needed_for_certificate(self) -> int:
        return max(1, math.ceil(len(self.days) * self.certificate_min_percent / 100))

    def is_published(self) -> bool:
        return self.is_public and self.status != self.Status.DRAFT


class Invitation(models.Model):
    """An invited state (its government or an institution) and how many people it may nominate."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="invitations")
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="invitations",
        verbose_name=_("invited organisation"),
    )
    quota = models.PositiveSmallIntegerField(_("nominations allowed"), default=2)

    class Meta:
        ordering = ["organisation__name_en"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "organisation"], name="unique_invitation_per_activity"
            )
        ]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"{self.organisation} ({self.quota})"


class Speaker(models.Model):
    """Someone who speaks at the activity: an international or national expert, or not an expert."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="speakers")
    name = models.CharField(_("name"), max_length=200)
    affiliation = models.CharField(_("affiliation"), max_length=300, blank=True)
    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("country")
    )
    is_expert = models.BooleanField(_("expert"), default=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="speaking",
        verbose_name=_("platform account"),
    )
    listed_publicly = models.BooleanField(
        _("name shown in the public register"),
        default=False,
        help_text=_("Only with the speaker's agreement; otherwise the public sees the affiliation only."),
    )

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("speaker")
        verbose_name_plural = _("speakers")

    def __str__(self) -> str:
        return f"{self.name} ({self.affiliation})" if self.affiliation else self.name


class AgendaSession(models.Model):
    """One item of the agenda: a session on a day, with its speakers."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="sessions")
    day = models.DateField(_("day"))
    starts_at = models.TimeField(_("starts"), null=True, blank=True)
    ends_at = models.TimeField(_("ends"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), max_length=3000, blank=True)
    speakers = models.ManyToManyField(
        Speaker, related_name="sessions", blank=True, verbose_name=_("speakers")
    )

    class Meta:
        ordering = ["day", "starts_at", "id"]
        verbose_name = _("agenda session")
        verbose_name_plural = _("agenda sessions")

    def __str__(self) -> str:
        return self.title


def _document_path(instance: ActivityDocument, filename: str) -> str:
    return f"events/{instance.activity_id}/{secrets.token_hex(16)}"


class ActivityDocument(models.Model):
    class Audience(models.TextChoices):
        PUBLIC = "public", _("Everyone who can see the activity")
        PARTICIPANTS = "participants", _("Participants, speakers and organisers")
        ORGANISERS = "organisers", _("Organisers only")

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="documents")
    audience = models.CharField(
        _("who may read it"), max_length=16, choices=Audience.choices, default=Audience.PARTICIPANTS
    )
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

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("activity document")
        verbose_name_plural = _("activity documents")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("events:document", kwargs={"pk": self.activity_id, "document": self.pk})


class Participant(models.Model):
    """A registration: a nominated or self-registered person and where they stand.

    ``dedupe_key`` is the person's identity within the activity (the e-mail address, else the name,
    country and organisation, normalised), so that the same person cannot be registered twice,
    whether by hand, by nomination or by importing the same file again.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting approval")
        APPROVED = "approved", _("Approved")
        WAITLISTED = "waitlisted", _("On the waiting list")
        REJECTED = "rejected", _("Not accepted")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Gender(models.TextChoices):
        FEMALE = "female", _("Female")
        MALE = "male", _("Male")
        OTHER = "other", _("Another gender")

    # Statuses that hold a nomination slot of the invited state.
    COUNTS_AGAINST_QUOTA = (Status.PENDING, Status.APPROVED, Status.WAITLISTED)
    # What each officer decision may start from.
    TRANSITIONS = {
        "approve": (Status.PENDING, Status.WAITLISTED, Status.REJECTED),
        "reject": (Status.PENDING, Status.WAITLISTED, Status.APPROVED),
        "withdraw": (Status.PENDING, Status.APPROVED, Status.WAITLISTED),
    }
    # What a participant (or their nominating focal point) may correct; never the status.
    PERSONAL_FIELDS = (
        "given_name",
        "family_name",
        "email",
        "organisation_name",
        "country",
        "background",
        "position",
        "gender",
    )

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="registrations",
    )
    invitation = models.ForeignKey(
        Invitation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="nominations",
        verbose_name=_("nominated by"),
    )
    given_name = models.CharField(_("given name"), max_length=120)
    family_name = models.CharField(_("family name"), max_length=120)
    email = models.EmailField(_("e-mail address"), blank=True)
    organisation_name = models.CharField(_("organisation"), max_length=300)
    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="+", verbose_name=_("country")
    )
    background = models.ForeignKey(
        ProfessionalBackground,
        on_delete=models.PROTECT,
        related_name="participants",
        verbose_name=_("professional background"),
    )
    position = models.CharField(_("position"), max_length=200, blank=True)
    gender = models.CharField(
        _("gender (optional, for statistics only)"), max_length=8, choices=Gender.choices, blank=True
    )
    consent_at = models.DateTimeField(_("consent given"))
    consent_text = models.TextField(_("consent text shown"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    dedupe_key = models.CharField(max_length=400)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    registered_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    revision = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["family_name", "given_name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "dedupe_key"], name="unique_participant_per_activity")
        ]
        indexes = [
            models.Index(fields=["activity", "status"], name="participant_status_idx"),
            models.Index(fields=["activity", "family_name", "given_name"], name="participant_name_idx"),
        ]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")

    def __str__(self) -> str:
        return self.full_name

    def get_absolute_url(self) -> str:
        return reverse("events:participant", kwargs={"pk": self.activity_id, "participant": self.pk})

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"


class Attendance(models.Model):
    """That a participant was present on one day of the activity (absence is no row)."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="attendance")
    day = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["day"]
        constraints = [models.UniqueConstraint(fields=["participant", "day"], name="unique_attendance_day")]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")

    def __str__(self) -> str:
        return f"{self.participant_id} {self.day:%Y-%m-%d}"


class Certificate(models.Model):
    """A certificate of attendance, issued once; the PDF is drawn from this record on download."""

    participant = models.OneToOneField(Participant, on_delete=models.PROTECT, related_name="certificate")
    number = models.CharField(_("certificate number"), max_length=40, unique=True)
    days_attended = models.PositiveSmallIntegerField()
    issued_at = models.DateTimeField(auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["number"]
        verbose_name = _("certificate of attendance")
        verbose_name_plural = _("certificates of attendance")

    def __str__(self) -> str:
        return self.number


# --- evaluations -------------------------------------------------------------------------------


class Scale(models.IntegerChoices):
    """The five-point scale of every rating question."""

    VERY_LOW = 1, _("1 — very poor / very low")
    LOW = 2, _("2 — poor / low")
    MEDIUM = 3, _("3 — fair / medium")
    HIGH = 4, _("4 — good / high")
    VERY_HIGH = 5, _("5 — excellent / very high")


class Question(models.Model):
    """A custom question an organiser adds to the standard questionnaire of one activity."""

    class Kind(models.TextChoices):
        SCALE = "scale", _("Rating from 1 to 5")
        YES_NO = "yes_no", _("Yes or no")
        TEXT = "text", _("Free text")

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="questions")
    text = models.CharField(_("question"), max_length=300)
    kind = models.CharField(_("kind of answer"), max_length=8, choices=Kind.choices, default=Kind.SCALE)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("evaluation question")
        verbose_name_plural = _("evaluation questions")

    def __str__(self) -> str:
        return self.text


class Evaluation(models.Model):
    """One completed post-activity questionnaire.

    Standard questions are columns, so that they compare across activities and a series; answers
    to custom questions are in ``answers`` keyed by question id. When the activity's evaluation is
    anonymous ``participant`` is empty and only the day is kept; that the participant answered is
    recorded in :class:`EvaluationReceipt`, which does not point here.
    """

    # A random key: a sequential one would pair the n-th answer with the n-th receipt.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="evaluations")
    participant = models.OneToOneField(
        Participant, on_delete=models.SET_NULL, null=True, blank=True, related_name="evaluation"
    )
    submitted_on = models.DateField()
    satisfaction = models.PositiveSmallIntegerField(_("overall satisfaction"), choices=Scale.choices)
    relevance = models.PositiveSmallIntegerField(_("relevance to your work"), choices=Scale.choices)
    knowledge_before = models.PositiveSmallIntegerField(
        _("your knowledge of the subject before the activity"), choices=Scale.choices
    )
    knowledge_after = models.PositiveSmallIntegerField(
        _("your knowledge of the subject after the activity"), choices=Scale.choices
    )
    improve = models.TextField(_("what should be improved?"), max_length=3000, blank=True)
    answers = models.JSONField(default=dict, blank=True)

    STANDARD_SCALES = ("satisfaction", "relevance", "knowledge_before", "knowledge_after")

    class Meta:
        ordering = ["activity", "submitted_on"]
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")

    def __str__(self) -> str:
        return f"{self.activity_id}/{self.pk}"


class EvaluationReceipt(models.Model):
    """That a participant has answered the evaluation (so they answer once), and nothing else."""

    participant = models.OneToOneField(
        Participant, on_delete=models.CASCADE, related_name="evaluation_receipt"
    )
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("evaluation receipt")
        verbose_name_plural = _("evaluation receipts")

    def __str__(self) -> str:
        return f"{self.activity_id}/{self.participant_id}"


# --- imports -----------------------------------------------------------------------------------


class ParticipantImport(models.Model):
    """An uploaded list of participants, parsed and checked, waiting for the officer to confirm.

    ``rows`` holds the cleaned rows, ``problems`` the row-level errors; nothing is written to the
    participant list until the import is applied, and then all rows or none.
    """

    class Status(models.TextChoices):
        PREVIEW = "preview", _("Checked, not imported")
        APPLIED = "applied", _("Imported")
        DISCARDED = "discarded", _("Discarded")

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="imports")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    file_name = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64)
    encoding = models.CharField(max_length=40, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PREVIEW)
    rows = models.JSONField(default=list)
    problems = models.JSONField(default=list)
    applied_at = models.DateTimeField(null=True, blank=True)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("participant import")
        verbose_name_plural = _("participant imports")

    def __str__(self) -> str:
        return self.file_name

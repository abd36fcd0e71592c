"""Assistance programmes: the "menu of options" a provider offers, in language versions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ipassist.core.i18n import active_language
from ipassist.core.models import ActivityType, AudienceType, Organisation, Topic

LANGUAGE_CHOICES = [("en", _("English")), ("fr", _("French")), ("es", _("Spanish")), ("ar", _("Arabic"))]


class InvalidTransition(Exception):
    """A workflow move that the current state does not allow."""


class Programme(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        ARCHIVED = "archived", _("Archived")

    # Which status may follow which. Unpublishing returns a programme to draft for rework.
    TRANSITIONS = {
        Status.DRAFT: {Status.PUBLISHED, Status.ARCHIVED},
        Status.PUBLISHED: {Status.DRAFT, Status.ARCHIVED},
        Status.ARCHIVED: {Status.DRAFT},
    }

    slug = models.SlugField(_("identifier"), max_length=100, unique=True)
    provider = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="programmes",
        limit_choices_to={"kind": Organisation.Kind.PROVIDER},
        verbose_name=_("provider"),
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    original_language = models.CharField(
        _("original language"), max_length=8, choices=LANGUAGE_CHOICES, default="en"
    )
    reference = models.CharField(_("source reference"), max_length=300, blank=True)
    audiences = models.ManyToManyField(
        AudienceType, related_name="programmes", blank=True, verbose_name=_("target beneficiaries")
    )
    topics = models.ManyToManyField(Topic, related_name="programmes", blank=True, verbose_name=_("topics"))
    activity_types = models.ManyToManyField(
        ActivityType, related_name="programmes", blank=True, verbose_name=_("types of activities")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)
    # Incremented by every edit; an edit based on an older revision is refused (optimistic locking).
    revision = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["slug"]
        indexes = [models.Index(fields=["status", "provider"], name="programme_status_provider_idx")]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")

    def __str__(self) -> str:
        version = self.version_for(active_language())
        return version.title if version else self.slug

    def get_absolute_url(self) -> str:
        return reverse("catalogue:detail", kwargs={"slug": self.slug})

    def can_move_to(self, status: str) -> bool:
        return status in self.TRANSITIONS.get(self.Status(self.status), set())

    def transition_to(self, status: str) -> None:
        if not self.can_move_to(status):
            raise InvalidTransition(
                _("A programme that is %(current)s cannot become %(target)s.")
                % {"current": self.get_status_display().lower(), "target": self.Status(status).label.lower()}
            )
        self.status = status

    def version_for(self, language: str) -> ProgrammeVersion | None:
        """The version in ``language``, else the original; uses prefetched versions when present."""
        versions = {v.language: v for v in self.versions.all()}
        return (
            versions.get(language)
            or versions.get(self.original_language)
            or next(iter(versions.values()), None)
        )


class ProgrammeVersion(models.Model):
    """The text of a programme in one language."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="versions")
    language = models.CharField(_("language"), max_length=8, choices=LANGUAGE_CHOICES)
    title = models.CharField(_("title"), max_length=500)
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    target_beneficiaries = models.TextField(_("target institutions / beneficiaries"), max_length=5000)
    objectives = models.TextField(_("objectives"), max_length=10000)
    activities = models.TextField(_("types of activities"), max_length=10000)
    outcomes = models.TextField(_("expected outcomes"), max_length=10000, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    TEXT_FIELDS = ("title", "summary", "target_beneficiaries", "objectives", "activities", "outcomes")
    # Outcomes may be empty: some programmes of the CDIP menu state none.
    REQUIRED_FIELDS = ("title", "target_beneficiaries", "objectives", "activities")

    class Meta:
        ordering = ["programme", "language"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "language"], name="unique_programme_language")
        ]
        verbose_name = _("programme language version")
        verbose_name_plural = _("programme language versions")

    def __str__(self) -> str:
        return f"{self.title} [{self.language}]"

"""The domain core: organisations, countries and regions, people, memberships, vocabularies, audit.

Nothing here decides who may see what: that is ``access.py``.
"""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ipassist.core.i18n import pick


class TranslatedNameMixin:
    """``.name`` in the active language for models with ``name_en`` … columns."""

    @property
    def name(self) -> str:
        return pick(self, "name")


# --- geography -------------------------------------------------------------------------------


class NamedInUNLanguages(TranslatedNameMixin, models.Model):
    """Names in the six UN languages, from CLDR (see reference.py)."""

    name_en = models.CharField(max_length=120)
    name_fr = models.CharField(max_length=120, blank=True)
    name_es = models.CharField(max_length=120, blank=True)
    name_ar = models.CharField(max_length=120, blank=True)
    name_zh = models.CharField(max_length=120, blank=True)
    name_ru = models.CharField(max_length=120, blank=True)

    class Meta:
        abstract = True


class Region(NamedInUNLanguages):
    """A UN M49 area: the world, a region (Africa), a sub-region, an intermediate region."""

    class Level(models.TextChoices):
        WORLD = "world", _("World")
        REGION = "region", _("Region")
        SUBREGION = "subregion", _("Sub-region")
        INTERMEDIATE = "intermediate", _("Intermediate region")

    code = models.CharField(_("M49 code"), max_length=3, primary_key=True)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("UN M49 region")
        verbose_name_plural = _("UN M49 regions")

    def __str__(self) -> str:
        return f"{self.code} {self.name_en}"


class Country(NamedInUNLanguages):
    """A country or territory of ISO 3166-1, placed in the UN M49 hierarchy."""

    code = models.CharField(_("ISO 3166-1 alpha-2"), max_length=2, primary_key=True)
    alpha3 = models.CharField(_("ISO 3166-1 alpha-3"), max_length=3, unique=True)
    numeric = models.CharField(_("ISO 3166-1 numeric"), max_length=3, unique=True)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("region")
    )
    subregion = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sub-region"),
    )
    intermediate_region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("intermediate region"),
    )

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")

    def __str__(self) -> str:
        return self.name


class RegionGrouping(TranslatedNameMixin, models.Model):
    """A grouping of countries an organisation defines for itself, e.g. a provider's regional bureau."""

    owner = models.ForeignKey("Organisation", on_delete=models.CASCADE, related_name="region_groupings")
    code = models.SlugField(max_length=64)
    name_en = models.CharField(max_length=200)
    name_fr = models.CharField(max_length=200, blank=True)
    name_es = models.CharField(max_length=200, blank=True)
    name_ar = models.CharField(max_length=200, blank=True)
    countries = models.ManyToManyField(Country, related_name="groupings", blank=True)

    class Meta:
        ordering = ["owner", "code"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "code"], name="unique_grouping_code_per_owner")
        ]
        verbose_name = _("region grouping")
        verbose_name_plural = _("region groupings")

    def __str__(self) -> str:
        return f"{self.owner.acronym or self.owner.name}: {self.name}"


# --- organisations ---------------------------------------------------------------------------


class Organisation(TranslatedNameMixin, models.Model):
    class Kind(models.TextChoices):
        PROVIDER = "provider", _("Assistance provider")
        GOVERNMENT = "government", _("National government")
        IP_OFFICE = "ip_office", _("IP office")
        COPYRIGHT_OFFICE = "copyright_office", _("Copyright office")
        CUSTOMS = "customs", _("Customs")
        POLICE = "police", _("Police")
        PROSECUTION = "prosecution", _("Prosecution service")
        JUDICIARY = "judiciary", _("Judiciary")
        MINISTRY = "ministry", _("Ministry")
        PARTNER_AGENCY = "partner_agency", _("Partner agency")
        CO_ORGANISER = "co_organiser", _("Co-organiser")
        PRIVATE_SECTOR = "private_sector", _("Private sector")

    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    name_en = models.CharField(_("name (English)"), max_length=300)
    name_fr = models.CharField(_("name (French)"), max_length=300, blank=True)
    name_es = models.CharField(_("name (Spanish)"), max_length=300, blank=True)
    name_ar = models.CharField(_("name (Arabic)"), max_length=300, blank=True)
    acronym_en = models.CharField(_("acronym (English)"), max_length=30, blank=True)
    acronym_fr = models.CharField(_("acronym (French)"), max_length=30, blank=True)
    acronym_es = models.CharField(_("acronym (Spanish)"), max_length=30, blank=True)
    acronym_ar = models.CharField(_("acronym (Arabic)"), max_length=30, blank=True)
    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, null=True, blank=True, related_name="organisations"
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="institutions",
        help_text=_("The government or body this institution belongs to."),
    )
    website = models.URLField(blank=True)
    iati_identifier = models.CharField(
        _("IATI organisation identifier"),
        max_length=100,
        blank=True,
        validators=[
            RegexValidator(
                r"^[A-Za-z0-9][A-Za-z0-9._-]*-[A-Za-z0-9._-]+$",
                _("Letters, digits, hyphens, dots or underscores: the agency prefix, a hyphen, the number."),
            )
        ],
        help_text=_(
            "The organisation's identifier in the IATI org-id format: the registration agency's prefix, "
            "a hyphen and the organisation's number there (XM-DAC-…, XI-IATI-…, GB-COH-…). Used in the "
            "open-data export; leave empty if it has none."
        ),
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.display_name

    @property
    def acronym(self) -> str:
        return pick(self, "acronym")

    @property
    def display_name(self) -> str:
        return f"{self.name} ({self.acronym})" if self.acronym else self.name


# --- people ----------------------------------------------------------------------------------


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **extra) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra) -> User:
        extra.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **extra)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in, by e-mail address."""

    email = models.EmailField(_("e-mail address"), max_length=254, unique=True)
    full_name = models.CharField(_("full name"), max_length=200)
    preferred_language = models.CharField(_("preferred language"), max_length=8, default="en")
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("staff status"), default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        constraints = [models.UniqueConstraint(Lower("email"), name="unique_user_email_ci")]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.email

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class Person(models.Model):
    """Someone the platform knows about (a speaker, a participant), with or without a sign-in."""

    user = models.OneToOneField(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="person")
    given_name = models.CharField(_("given name"), max_length=120)
    family_name = models.CharField(_("family name"), max_length=120)
    email = models.EmailField(_("e-mail address"), blank=True)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="people"
    )
    country = models.ForeignKey(Country, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    position = models.CharField(_("position"), max_length=200, blank=True)

    class Meta:
        ordering = ["family_name", "given_name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name}"


class Membership(models.Model):
    """A user's role in an organisation; access rules are written in terms of these."""

    class Role(models.TextChoices):
        OFFICER = "officer", _("Secretariat officer")
        FOCAL_POINT = "focal_point", _("Focal point")
        EXPERT = "expert", _("Expert")
        PARTICIPANT = "participant", _("Participant")
        PARTNER = "partner", _("Partner")
        ADMINISTRATOR = "administrator", _("Administrator")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation", "role"], name="unique_membership_role")
        ]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.organisation}"


# --- controlled vocabularies -----------------------------------------------------------------


class VocabularyTerm(models.Model):
    """A term an administrator can add to, labelled in each interface language."""

    code = models.SlugField(max_length=64, unique=True)
    label_en = models.CharField(_("label (English)"), max_length=200)
    label_fr = models.CharField(_("label (French)"), max_length=200)
    label_es = models.CharField(_("label (Spanish)"), max_length=200)
    label_ar = models.CharField(_("label (Arabic)"), max_length=200)
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        abstract = True
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return pick(self, "label")


class Topic(VocabularyTerm):
    class Meta(VocabularyTerm.Meta):
        verbose_name = _("topic")
        verbose_name_plural = _("topics")


class AudienceType(VocabularyTerm):
    """Target institutions, beneficiaries and audiences (judiciary, customs, IP offices …)."""

    class Meta(VocabularyTerm.Meta):
        verbose_name = _("audience type")
        verbose_name_plural = _("audience types")


class ProfessionalBackground(VocabularyTerm):
    """What a participant does (judge, prosecutor, customs officer …), for registration and statistics."""

    audience = models.ForeignKey(
        AudienceType,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="backgrounds",
        verbose_name=_("audience type"),
        help_text=_("The audience type this background counts under in statistics."),
    )

    class Meta(VocabularyTerm.Meta):
        verbose_name = _("professional background")
        verbose_name_plural = _("professional backgrounds")


class ActivityType(VocabularyTerm):
    class Meta(VocabularyTerm.Meta):
        verbose_name = _("activity type")
        verbose_name_plural = _("activity types")


# --- audit -----------------------------------------------------------------------------------


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ValidationError("The audit log is append-only.")

    def delete(self):
        raise ValidationError("The audit log is append-only.")


class AuditEntry(models.Model):
    """One line of the append-only audit log. Database triggers refuse UPDATE and DELETE as well."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    # No database foreign key: the log must outlive the user and the record it speaks of.
    actor = models.ForeignKey(
        User, on_delete=models.DO_NOTHING, db_constraint=False, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(max_length=254, blank=True)
    action = models.CharField(max_length=100, db_index=True)
    target_type = models.CharField(max_length=100, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    target_repr = models.CharField(max_length=300, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"], name="audit_target_idx")]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_label or '-'} {self.action} {self.target_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("The audit log is append-only.")


# --- data versions ---------------------------------------------------------------------------


class DataVersion(models.Model):
    """A counter per kind of data ("activities", "participants", "requests"), raised in the same
    transaction as every change of that data (``ipassist.core.versions``). Cached aggregates are
    keyed by the counters they depend on, so a change makes them miss in every process at once."""

    topic = models.CharField(max_length=32, primary_key=True)
    version = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.topic} v{self.version}"

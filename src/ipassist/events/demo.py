"""Demo activities: the events the seed documents name (the Interregional Workshop series of WIPO
and MCST, INTERPOL's conferences and seminars), with participants, attendance, certificates and
evaluations, and three upcoming activities (``demo/activities.json``; ``demo/SOURCES.md`` says what
comes from which seed and what is invented).

Everything is found again by a natural key — the series by its slug; an activity by its provider,
its English title and, for the dated ones, the year it starts; a participant by its ``dedupe_key``
— and written only where it differs, so loading twice changes nothing. The upcoming activities'
dates are counted from the day of loading: loading on a later day moves them, so the register
always has some.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from pathlib import Path

from django.db import models, transaction
from django.utils import timezone, translation

from ipassist.catalogue.models import Programme
from ipassist.core import versions
from ipassist.core.models import (
    ActivityType,
    AudienceType,
    Membership,
    Organisation,
    ProfessionalBackground,
    Topic,
    User,
)
from ipassist.core.reference import set_m2m, upsert
from ipassist.events.models import (
    LANGUAGES,
    Activity,
    AgendaSession,
    Attendance,
    Certificate,
    Evaluation,
    EvaluationReceipt,
    Invitation,
    Participant,
    Series,
    Speaker,
)
from ipassist.events.services import CONSENT_TEXT, dedupe_key

DEMO_DIR = Path(__file__).resolve().parent / "demo"


def _texts(data: dict, value) -> dict:
    """A text in the four languages: given inline, or the name of an entry of ``texts``."""
    return data["texts"][value] if isinstance(value, str) else value or {}


def _translated(prefix: str, texts: dict) -> dict:
    return {f"{prefix}_{lang}": texts.get(lang, "") for lang, _label in LANGUAGES}


def _at(day: date, hour: int = 9) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)), timezone.get_fixed_timezone(0))


def _create_only(model: type[models.Model], lookup: dict, values: dict) -> tuple[models.Model, bool]:
    """Create with ``values`` if missing; an existing row is left as it is (its history stays)."""
    obj = model.objects.filter(**lookup).first()
    if obj is not None:
        return obj, False
    return model.objects.create(**lookup, **values), True


class _Loader:
    def __init__(self, data: dict, today: date):
        self.data = data
        self.today = today
        self.changed = 0
        self.organisations = {o.slug: o for o in Organisation.objects.all()}
        self.users = {u.email: u for u in User.objects.all()}
        self.kinds = {t.code: t for t in ActivityType.objects.all()}
        self.backgrounds = {t.code: t for t in ProfessionalBackground.objects.all()}
        with translation.override("en"):
            self.consent_text = str(CONSENT_TEXT)

    def count(self, did: bool) -> None:
        self.changed += int(did)

    def officer_of(self, organisation: Organisation) -> User | None:
        return (
            User.objects.filter(
                memberships__organisation=organisation,
                memberships__role=Membership.Role.OFFICER,
                memberships__is_active=True,
            )
            .order_by("pk")
            .first()
        )

    def focal_point_of(self, organisation: Organisation) -> User | None:
        return (
            User.objects.filter(
                memberships__organisation=organisation,
                memberships__role=Membership.Role.FOCAL_POINT,
                memberships__is_active=True,
            )
            .order_by("pk")
            .first()
        )

    # --- series and activities -------------------------------------------------------------------

    def series(self, row: dict) -> None:
        values = {
            "provider": self.organisations[row["provider"]],
            "since": row.get("since"),
            **_translated("title", row["title"]),
            **_translated("description", _texts(self.data, row.get("description"))),
        }
        self.count(upsert(Series, {"slug": row["slug"]}, values)[1])

    def dates(self, row: dict) -> tuple[date, date, date | None]:
        if "start" in row:
            deadline = row.get("registration_deadline")
            return (
                date.fromisoformat(row["start"]),
                date.fromisoformat(row["end"]),
                date.fromisoformat(deadline) if deadline else None,
            )
        start = self.today + timedelta(days=row["starts_in_days"])
        deadline = row.get("deadline_in_days")
        return (
            start,
            start + timedelta(days=row["days"] - 1),
            self.today + timedelta(days=deadline) if deadline is not None else None,
        )

    def activity(self, row: dict) -> Activity:
        provider = self.organisations[row["provider"]]
        start, end, deadline = self.dates(row)
        lookup = {"provider": provider, "title_en": row["title"]["en"]}
        existing = Activity.objects.filter(**lookup)
        if "start" in row:  # the editions of a series share a title: the year tells them apart
            existing = existing.filter(start_date__year=start.year)
        programme = Programme.objects.filter(slug=row["programme"]).first() if row.get("programme") else None
        values = {
            **_translated("title", row["title"]),
            **_translated("description", _texts(self.data, row.get("description"))),
            "kind": self.kinds[row["kind"]],
            "level": row["level"],
            "status": row.get("status", Activity.Status.ANNOUNCED),
            "is_public": row.get("is_public", True),
            "start_date": start,
            "end_date": end,
            "city": row.get("city", ""),
            "country_id": row.get("country"),
            "venue": row.get("venue", ""),
            "online": row.get("online", False),
            "series": Series.objects.get(slug=row["series"]) if row.get("series") else None,
            "programme": programme,
            "working_languages": row.get("working_languages", []),
            "registration": row.get("registration", Activity.Registration.NOMINATION),
            "registration_deadline": deadline,
            "capacity": row.get("capacity"),
            "evaluation_open": row.get("evaluation_open", False),
            "evaluation_anonymous": row.get("evaluation_anonymous", True),
        }
        activity = existing.first()
        if activity is None:
            activity = Activity.objects.create(**{**lookup, **values}, created_by=self.officer_of(provider))
            self.count(True)
        else:
            activity, did = upsert(Activity, {"pk": activity.pk}, values)
            self.count(did)
        self.count(
            set_m2m(
                activity.co_organisers,
                [self.organisations[slug] for slug in row.get("co_organisers", [])],
            )
        )
        self.count(set_m2m(activity.topics, Topic.objects.filter(code__in=row.get("topics", []))))
        self.count(
            set_m2m(activity.audiences, AudienceType.objects.filter(code__in=row.get("audiences", [])))
        )
        return activity

    # --- what happens around an activity --------------------------------------------------------

    def invitations(self, activity: Activity, row: dict) -> dict[str, Invitation]:
        invitations = {}
        for item in row.get("invitations", []):
            invitation, did = upsert(
                Invitation,
                {"activity": activity, "organisation": self.organisations[item["organisation"]]},
                {"quota": item["quota"]},
            )
            self.count(did)
            invitations[item["organisation"]] = invitation
        return invitations

    def speakers(self, activity: Activity, row: dict) -> dict[str, Speaker]:
        speakers = {}
        for item in row.get("speakers", []):
            values = {
                "affiliation": item.get("affiliation", ""),
                "country_id": item.get("country"),
                "is_expert": item.get("is_expert", True),
                "user": self.users.get(item.get("user", "")),
                "listed_publicly": item.get("listed_publicly", False),
            }
            speaker, did = upsert(Speaker, {"activity": activity, "name": item["name"]}, values)
            self.count(did)
            speakers[item["name"]] = speaker
        return speakers

    def sessions(self, activity: Activity, row: dict, speakers: dict[str, Speaker]) -> None:
        for item in row.get("sessions", []):
            day = activity.start_date + timedelta(days=item["day"])
            # Found by its title: the day of an upcoming activity moves with the day of loading.
            session, did = upsert(
                AgendaSession,
                {"activity": activity, "title": item["title"]},
                {
                    "day": day,
                    "starts_at": time.fromisoformat(item["starts"]) if item.get("starts") else None,
                    "ends_at": time.fromisoformat(item["ends"]) if item.get("ends") else None,
                },
            )
            self.count(did)
            self.count(set_m2m(session.speakers, [speakers[name] for name in item.get("speakers", [])]))

    def participants(self, activity: Activity, row: dict, invitations: dict[str, Invitation]) -> None:
        organiser = activity.created_by
        past = activity.end_date < self.today
        for item in row.get("participants", []):
            invitation = invitations.get(item.get("invitation", ""))
            registered_by = self.users.get(item.get("registered_by", ""))
            if registered_by is None and invitation is not None:
                registered_by = self.focal_point_of(invitation.organisation)
            user = self.users.get(item.get("user", ""))
            status = item.get("status", Participant.Status.APPROVED)
            values = {
                "given_name": item["given"],
                "family_name": item["family"],
                "email": item.get("email", ""),
                "organisation_name": item["organisation"],
                "country_id": item["country"],
                "background": self.backgrounds[item["background"]],
                "position": item.get("position", ""),
                "gender": item.get("gender", ""),
                "status": status,
                "invitation": invitation,
                "user": user,
            }
            key = dedupe_key(
                email=values["email"],
                given_name=values["given_name"],
                family_name=values["family_name"],
                country_id=values["country_id"],
                organisation_name=values["organisation_name"],
            )
            participant = Participant.objects.filter(activity=activity, dedupe_key=key).first()
            if participant is None:
                # When it was given and decided: history, written once.
                consent_day = min(activity.start_date - timedelta(days=30), self.today)
                participant = Participant.objects.create(
                    activity=activity,
                    dedupe_key=key,
                    consent_at=_at(consent_day),
                    consent_text=self.consent_text,
                    registered_by=registered_by or organiser,
                    decided_at=None if status == Participant.Status.PENDING else _at(consent_day, 15),
                    decided_by=None if status == Participant.Status.PENDING else organiser,
                    **values,
                )
                self.count(True)
            else:
                self.count(upsert(Participant, {"pk": participant.pk}, values)[1])
            if past and status == Participant.Status.APPROVED:
                self.attendance(activity, participant, item)
                self.evaluation(activity, participant, item)

    def attendance(self, activity: Activity, participant: Participant, item: dict) -> None:
        absent = set(item.get("absent_days", []))
        for n, day in enumerate(activity.days):
            if n not in absent:
                self.count(
                    _create_only(
                        Attendance,
                        {"participant": participant, "day": day},
                        {"recorded_by": activity.created_by},
                    )[1]
                )

    def evaluation(self, activity: Activity, participant: Participant, item: dict) -> None:
        if "evaluation" not in item or EvaluationReceipt.objects.filter(participant=participant).exists():
            return
        satisfaction, relevance, before, after, improve = item["evaluation"]
        Evaluation.objects.create(
            activity=activity,
            participant=None if activity.evaluation_anonymous else participant,
            submitted_on=activity.end_date + timedelta(days=2),
            satisfaction=satisfaction,
            relevance=relevance,
            knowledge_before=before,
            knowledge_after=after,
            improve=improve,
        )
        EvaluationReceipt.objects.create(participant=participant, activity=activity)
        self.count(True)

    def certificates(self, activity: Activity) -> None:
        """What an organiser's "issue certificates" does once a past activity is over: a certificate
        for every approved participant present on enough days (numbered as the service numbers)."""
        if activity.end_date >= self.today:
            return
        from ipassist.events.services import eligible_for_certificate

        issued = Certificate.objects.filter(participant__activity=activity).count()
        pending = eligible_for_certificate(activity).filter(certificate__isnull=True).order_by("id")
        for n, participant in enumerate(pending, start=issued + 1):
            Certificate.objects.create(
                participant=participant,
                number=f"{activity.start_date:%Y}-{activity.pk:05d}-{n:04d}",
                days_attended=participant.days_present,
                issued_by=activity.created_by,
            )
            self.count(True)

    def load(self) -> int:
        for row in self.data["series"]:
            self.series(row)
        for row in self.data["activities"]:
            activity = self.activity(row)
            invitations = self.invitations(activity, row)
            self.sessions(activity, row, self.speakers(activity, row))
            self.participants(activity, row, invitations)
            self.certificates(activity)
        return self.changed


@transaction.atomic
def load_activities(today: date | None = None) -> int:
    """Load the demo activities; returns the number of rows created or changed (0 when nothing
    differs). Needs the demo organisations and users (``core.demo``) and the vocabularies."""
    data = json.loads((DEMO_DIR / "activities.json").read_text(encoding="utf-8"))
    changed = _Loader(data, today or timezone.localdate()).load()
    if changed:
        versions.changed(versions.ACTIVITIES, versions.PARTICIPANTS)
    return changed

from datetime import timedelta

import factory
from django.utils import timezone

from ipassist.casework.models import AssistanceRequest
from ipassist.catalogue.models import Programme, ProgrammeVersion
from ipassist.core.models import ActivityType, Membership, Organisation, ProfessionalBackground, User
from ipassist.events.models import Activity, Participant


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"org-{n}")
    kind = Organisation.Kind.PROVIDER
    name_en = factory.Sequence(lambda n: f"Organisation {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["email"]

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    full_name = factory.Faker("name")
    password = factory.django.Password("correct horse battery staple")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Membership.Role.OFFICER


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"programme-{n}")
    provider = factory.SubFactory(OrganisationFactory)
    status = Programme.Status.PUBLISHED
    original_language = "en"

    @factory.post_generation
    def languages(self, create, extracted, **kwargs):
        for language in extracted if extracted is not None else ["en"]:
            ProgrammeVersion.objects.create(
                programme=self,
                language=language,
                title=f"{self.slug} title [{language}]",
                summary=f"{self.slug} summary [{language}]",
                target_beneficiaries=f"Judges and prosecutors [{language}]",
                objectives=f"Objectives of {self.slug} [{language}]",
                activities="- Workshops\n- Expert missions",
                outcomes=f"Outcomes [{language}]",
            )


class AssistanceRequestFactory(factory.django.DjangoModelFactory):
    """A submitted request; pass ``state=``/``submitted_at=None`` for other points of the workflow."""

    class Meta:
        model = AssistanceRequest

    reference = factory.Sequence(lambda n: f"2026-{n + 1:05d}")
    provider = factory.SubFactory(OrganisationFactory)
    requester = factory.SubFactory(OrganisationFactory, kind=Organisation.Kind.GOVERNMENT)
    country_id = factory.LazyAttribute(lambda o: o.requester.country_id)
    kind = AssistanceRequest.Kind.LEGISLATIVE
    title = factory.Sequence(lambda n: f"Review of the draft enforcement law no. {n}")
    institution = "Ministry of Justice"
    description = "Please review chapter IV (civil remedies and border measures) of our draft law."
    working_languages = ["en", "fr"]
    contacts = "A. Contact, Legal Adviser, contact@example.org"
    state = AssistanceRequest.State.SUBMITTED
    submitted_at = factory.LazyFunction(timezone.now)


class ActivityFactory(factory.django.DjangoModelFactory):
    """An announced, private national workshop of next month; pass ``is_public=True`` for the register."""

    class Meta:
        model = Activity

    title_en = factory.Sequence(lambda n: f"National Workshop on IP Enforcement no. {n}")
    description_en = "Training for judges, prosecutors and customs officers on border measures."
    kind = factory.LazyFunction(lambda: ActivityType.objects.get(code="workshop"))
    level = Activity.Level.NATIONAL
    status = Activity.Status.ANNOUNCED
    start_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=30))
    end_date = factory.LazyAttribute(lambda o: o.start_date + timedelta(days=2))
    city = "Nairobi"
    country_id = "KE"
    provider = factory.SubFactory(OrganisationFactory)
    working_languages = ["en"]


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participant

    activity = factory.SubFactory(ActivityFactory)
    given_name = factory.Sequence(lambda n: f"Given{n}")
    family_name = factory.Sequence(lambda n: f"Family{n}")
    email = factory.LazyAttribute(lambda o: f"{o.given_name.lower()}.{o.family_name.lower()}@example.org")
    organisation_name = "High Court"
    country_id = "KE"
    background = factory.LazyFunction(lambda: ProfessionalBackground.objects.get(code="judge"))
    position = "Judge"
    consent_at = factory.LazyFunction(timezone.now)
    consent_text = "I agree."
    status = Participant.Status.APPROVED
    dedupe_key = factory.LazyAttribute(lambda o: f"email:{o.email}")

import factory

from ipassist.catalogue.models import Programme, ProgrammeVersion
from ipassist.core.models import Membership, Organisation, User


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

import factory

from members.models import Association, Cooperative, CooperativeContact, Membership, Sector, Theme
from members.validators import vat_check_digit
from tests.core.factories import UserFactory


def division(code="62"):
    """A NACE division loaded by the data migration (or the demo loader)."""
    return Sector.objects.get(code=code)


def theme(slug="digital-transition"):
    return Theme.objects.get(slug=slug)


def valid_vat(n):
    first_ten = f"{1_000_000 + n:07d}037"
    return first_ten + vat_check_digit(first_ten)


class AssociationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Association
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Legacoop Test {n}")
    slug = factory.Sequence(lambda n: f"legacoop-test-{n}")
    kind = Association.Kind.TERRITORIAL


class CooperativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cooperative
        skip_postgeneration_save = True

    legal_name = factory.Sequence(lambda n: f"Cooperativa Prova {n:04d} Soc. Coop.")
    slug = factory.Sequence(lambda n: f"cooperativa-prova-{n:04d}")
    vat_number = factory.Sequence(valid_vat)
    cooperative_type = Cooperative.Type.WORKER
    main_sector = factory.LazyFunction(division)
    city = "Bologna"
    province = "BO"
    email = factory.LazyAttribute(lambda o: f"info@{o.slug}.example")
    phone = "+39 051 1234567"

    @factory.post_generation
    def associations(self, create, extracted, **kwargs):
        if create and extracted:
            self.associations.set(extracted)

    @factory.post_generation
    def themes(self, create, extracted, **kwargs):
        if create and extracted:
            self.themes.set(extracted)

    @factory.post_generation
    def sectors(self, create, extracted, **kwargs):
        if create and extracted:
            self.sectors.set(extracted)


class CooperativeContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CooperativeContact

    cooperative = factory.SubFactory(CooperativeFactory)
    name = factory.Sequence(lambda n: f"Referente {n}")
    role = "Presidente"
    email = factory.Sequence(lambda n: f"referente{n}@coop-prova.example")
    phone = "+39 051 7654321"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory, verified=True)
    cooperative = factory.SubFactory(CooperativeFactory)
    role = Membership.Role.VIEWER

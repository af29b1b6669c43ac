import factory

from members.models import Association
from networks.models import Affiliation, Body, BodyFigure


class AssociationFactory(factory.django.DjangoModelFactory):
    """A small stand-in for the members app's association (networks tests own their data)."""

    class Meta:
        model = Association
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Legacoop Test {n}")
    slug = factory.Sequence(lambda n: f"legacoop-test-{n}")
    kind = Association.Kind.TERRITORIAL
    is_innovacoop_shareholder = True


class BodyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Body
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"European Body {n}")
    slug = factory.Sequence(lambda n: f"european-body-{n}")
    kind = Body.Kind.EUROPEAN_FEDERATION
    scope = Body.Scope.EUROPEAN
    country = "BE"
    city = "Brussels"
    description_it = "Descrizione in italiano."
    description_en = "Description in English."


class BodyFigureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BodyFigure

    body = factory.SubFactory(BodyFactory)
    metric = BodyFigure.Metric.MEMBER_ORGANISATIONS
    value = 84
    year = None
    source = factory.Sequence(lambda n: f"The document's sentence number {n}.")


class AffiliationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Affiliation

    association = factory.SubFactory(AssociationFactory)
    member_body = None
    body = factory.SubFactory(BodyFactory)
    role = Affiliation.Role.FULL_MEMBER

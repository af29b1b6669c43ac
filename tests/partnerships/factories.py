import datetime

import factory
from django.utils import timezone

from partnerships.models import ExpressionOfInterest, PartnershipRequest, Project
from tests.members.factories import CooperativeFactory


class PartnershipRequestFactory(factory.django.DjangoModelFactory):
    """A published request of a fresh cooperative, open for interest for 30 more days."""

    class Meta:
        model = PartnershipRequest
        skip_postgeneration_save = True

    @classmethod
    def _adjust_kwargs(cls, **kwargs):
        # `title=...` is Italian text, as requests were before they were bilingual (the data
        # migration's column); `title_en=` and the like name a language themselves.
        for name in ("title", "summary", "description"):
            if name in kwargs:
                kwargs.setdefault(f"{name}_it", kwargs.pop(name))
        return kwargs

    owner = factory.SubFactory(CooperativeFactory)
    kind = PartnershipRequest.Kind.TECHNOLOGY_REQUEST
    title = factory.Sequence(lambda n: f"Cerchiamo un partner tecnologico {n}")
    summary = "Tracciabilità dei lotti con sensori a basso consumo."
    description = "Cerchiamo un partner che abbia già installato sensori in campo."
    state = PartnershipRequest.State.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)
    interest_deadline = factory.LazyFunction(
        lambda: timezone.localdate() + datetime.timedelta(days=30)
    )

    @factory.post_generation
    def sought_sectors(self, create, extracted, **kwargs):
        if create and extracted:
            self.sought_sectors.set(extracted)

    @factory.post_generation
    def sought_themes(self, create, extracted, **kwargs):
        if create and extracted:
            self.sought_themes.set(extracted)

    @factory.post_generation
    def sought_organisation_types(self, create, extracted, **kwargs):
        if create and extracted:
            self.sought_organisation_types.set(extracted)


class ExpressionOfInterestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExpressionOfInterest

    request = factory.SubFactory(PartnershipRequestFactory)
    cooperative = factory.SubFactory(CooperativeFactory)
    message = "Abbiamo esperienza con sensori in campo e vorremmo collaborare."


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Progetto di prova {n}")
    acronym = factory.Sequence(lambda n: f"PRV{n}")
    slug = factory.Sequence(lambda n: f"progetto-di-prova-{n}")
    kind = Project.Kind.INNOVATION
    status = Project.Status.RUNNING
    lead_cooperative = factory.SubFactory(CooperativeFactory)
    start_date = datetime.date(2026, 1, 1)
    end_date = datetime.date(2028, 12, 31)

    @factory.post_generation
    def cooperatives(self, create, extracted, **kwargs):
        if create and extracted:
            self.cooperatives.set(extracted)

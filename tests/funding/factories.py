import datetime
from zoneinfo import ZoneInfo

import factory
from django.utils import timezone

from funding.models import ApplicantType, Call, Deadline, Follow, Programme
from members.models import Sector, Theme
from tests.core.factories import UserFactory

BRUSSELS = ZoneInfo("Europe/Brussels")


def brussels(year, month, day, hour=17, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=BRUSSELS)


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme
        django_get_or_create = ("acronym",)

    name = factory.Sequence(lambda n: f"Programme {n}")
    acronym = factory.Sequence(lambda n: f"PRG{n}")
    level = Programme.Level.EU


class ApplicantTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ApplicantType
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"type-{n}")
    name_it = factory.LazyAttribute(lambda o: o.code)
    name_en = factory.LazyAttribute(lambda o: o.code)


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"theme-{n}")
    name_it = factory.LazyAttribute(lambda o: f"Tema {o.slug}")
    name_en = factory.LazyAttribute(lambda o: f"Theme {o.slug}")


class SectorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sector
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{n % 100:02d}")
    name_it = factory.LazyAttribute(lambda o: f"Settore {o.code}")
    name_en = factory.LazyAttribute(lambda o: f"Sector {o.code}")


class CallFactory(factory.django.DjangoModelFactory):
    """A published call, open since a month, with one deadline in a month (unless given)."""

    class Meta:
        model = Call
        skip_postgeneration_save = True

    programme = factory.SubFactory(ProgrammeFactory)
    identifier = factory.Sequence(lambda n: f"TEST-2027-{n:04d}")
    slug = factory.Sequence(lambda n: f"call-{n}")
    title = factory.Sequence(lambda n: f"Call number {n}")
    summary = "A call for testing."
    publication_state = Call.PublicationState.PUBLISHED
    opens_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=30))

    @classmethod
    def _adjust_kwargs(cls, **kwargs):
        # `title=...` fills the column of the call's language (English unless `language="it"`),
        # as the data migration did; `title_it=`/`title_en=` name a column themselves.
        column = "it" if kwargs.get("language") == "it" else "en"
        for name in Call.TEXT_FIELDS:
            if name in kwargs:
                kwargs.setdefault(f"{name}_{column}", kwargs.pop(name))
        return kwargs

    @factory.post_generation
    def deadlines(self, create, extracted, **kwargs):
        if not create:
            return
        due = extracted if extracted is not None else [timezone.now() + datetime.timedelta(days=30)]
        for index, due_at in enumerate(due):
            Deadline.objects.create(
                call=self, due_at=due_at, label="" if len(due) == 1 else f"Stage {index + 1}"
            )

    @factory.post_generation
    def themes(self, create, extracted, **kwargs):
        if create and extracted:
            self.themes.set(extracted)

    @factory.post_generation
    def sectors(self, create, extracted, **kwargs):
        if create and extracted:
            self.sectors.set(extracted)

    @factory.post_generation
    def applicant_types(self, create, extracted, **kwargs):
        if create and extracted:
            self.applicant_types.set(extracted)


class FollowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Follow

    user = factory.SubFactory(UserFactory)
    call = factory.SubFactory(CallFactory)

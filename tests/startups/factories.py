import datetime

import factory
from django.utils import timezone

from startups.models import Application, Kind, Mentor, Startup, SupportProgramme
from tests.core.factories import UserFactory


class StartupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Startup
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Startup Prova {n:04d}")
    slug = factory.Sequence(lambda n: f"startup-prova-{n:04d}")
    kind = Kind.INNOVATIVE_STARTUP
    stage = Startup.Stage.EARLY
    founders = "Anna Rossi\nLuca Bianchi"
    contact_email = factory.LazyAttribute(lambda o: f"hello@{o.slug}.example")
    needs_detail = "A seed round of 200k EUR."
    description = "A startup for testing."
    visibility = Startup.Visibility.PUBLIC

    @factory.post_generation
    def themes(self, create, extracted, **kwargs):
        if create and extracted:
            self.themes.set(extracted)

    @factory.post_generation
    def needs(self, create, extracted, **kwargs):
        if create and extracted:
            self.needs.set(extracted)


class SupportProgrammeFactory(factory.django.DjangoModelFactory):
    """A programme open since ten days and for twenty more."""

    class Meta:
        model = SupportProgramme

    name = factory.Sequence(lambda n: f"Coopstartup Test {n}")
    slug = factory.Sequence(lambda n: f"coopstartup-test-{n}")
    description = "Un bando per idee di startup cooperative."
    criteria = "Team di almeno tre persone."
    open_date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=10))
    close_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=20))
    places = None


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    programme = factory.SubFactory(SupportProgrammeFactory)
    applicant = factory.SubFactory(UserFactory, verified=True)
    startup_name = factory.Sequence(lambda n: f"Idea Cooperativa {n}")
    kind = Kind.COOPERATIVE_SPINOFF
    description = "Una piattaforma per i soci."
    team = "Anna Rossi, CEO\nLuca Bianchi, CTO"
    team_size = 3
    stage = Application.Stage.SUBMITTED


class MentorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mentor

    name = factory.Sequence(lambda n: f"Mentor {n}")
    email = factory.Sequence(lambda n: f"mentor{n}@mentors.example")
    areas = "Business planning"

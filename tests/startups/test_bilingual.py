"""Bilingual startup profiles and support programmes: the description (and a programme's
criteria) in Italian and English; readers get their language, else the other one marked; the
admin edits both side by side; an accepted application's description lands in its writer's
language."""

import pytest
from django.conf import settings
from django.urls import reverse

from startups import services
from tests.core.factories import UserFactory
from tests.startups.factories import ApplicationFactory, StartupFactory, SupportProgrammeFactory

pytestmark = pytest.mark.django_db


def in_language(client, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


@pytest.mark.parametrize(
    ("language", "shown"),
    [("it", "Una piattaforma per i soci."), ("en", "A platform for members.")],
)
def test_startup_page_in_the_readers_language(client, language, shown):
    startup = StartupFactory(
        description_it="Una piattaforma per i soci.", description_en="A platform for members."
    )
    page = in_language(client, language).get(startup.get_absolute_url()).content.decode()
    assert f'lang="{language}" data-testid="startup-description">{shown}' in page
    assert 'data-testid="fallback-note"' not in page


def test_startup_page_falls_back_and_says_so(client):
    startup = StartupFactory(description_it="Solo in italiano.", description_en="")
    page = in_language(client, "en").get(startup.get_absolute_url()).content.decode()
    assert 'lang="it" data-testid="startup-description">Solo in italiano.' in page
    assert "Only available in Italian" in page


def test_programme_page_falls_back_and_says_so(client):
    programme = SupportProgrammeFactory(
        description_it="", description_en="Ideas for cooperative startups.", criteria_it="Tre soci."
    )
    page = in_language(client, "it").get(programme.get_absolute_url()).content.decode()
    assert '<p lang="en">Ideas for cooperative startups.</p>' in page
    assert "Disponibile solo in inglese" in page
    assert '<p lang="it">Tre soci.</p>' in page


@pytest.mark.parametrize(
    ("url_name", "factory", "texts"),
    [
        ("admin:startups_startup_change", StartupFactory, ("description",)),
        (
            "admin:startups_supportprogramme_change",
            SupportProgrammeFactory,
            ("description", "criteria"),
        ),
    ],
)
def test_admin_change_forms_have_both_languages(staff_client, url_name, factory, texts):
    obj = factory()
    page = staff_client.get(reverse(url_name, args=[obj.pk])).content.decode()
    for name in texts:
        assert f'name="{name}_it"' in page and f'name="{name}_en"' in page
        assert f'name="{name}"' not in page


def test_an_accepted_applications_description_is_in_its_writers_language():
    application = ApplicationFactory(
        applicant=UserFactory(language="en", verified=True), description="An app for co-ops."
    )
    startup = services.startup_from_application(application)
    assert (startup.description_en, startup.description_it) == ("An app for co-ops.", None)

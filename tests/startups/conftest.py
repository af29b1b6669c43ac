import pytest

from members.models import Sector, Theme
from members.vocabularies import load_sectors, load_themes
from startups.models import Need
from startups.vocabularies import load_needs
from tests.startups.factories import ApplicationFactory, SupportProgrammeFactory


@pytest.fixture(autouse=True)
def vocabularies(db):
    """Sectors, themes and needs come from data migrations; a transactional test elsewhere
    may have flushed them, so make sure they are there."""
    if not Sector.objects.exists():
        load_sectors(Sector)
    if not Theme.objects.exists():
        load_themes(Theme)
    if not Need.objects.exists():
        load_needs(Need)


@pytest.fixture
def programme(db):
    return SupportProgrammeFactory(name="Coopstartup Emilia-Romagna")


@pytest.fixture
def application(programme, member_user):
    return ApplicationFactory(programme=programme, applicant=member_user)

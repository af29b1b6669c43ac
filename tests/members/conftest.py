import pytest

from members.models import Sector, Theme
from members.vocabularies import load_sectors, load_themes


@pytest.fixture(autouse=True)
def vocabularies(db):
    """The NACE sectors and themes come from a data migration; a transactional test elsewhere
    may have flushed them, so make sure they are there."""
    if not Sector.objects.exists():
        load_sectors(Sector)
    if not Theme.objects.exists():
        load_themes(Theme)

import pytest

from tests.startups.factories import ApplicationFactory, SupportProgrammeFactory


@pytest.fixture(autouse=True)
def _database(db):
    """Every test here uses the database; tests/conftest.py puts back the rows of the data
    migrations (sectors, themes, needs) if a transactional test flushed them."""


@pytest.fixture
def programme(db):
    return SupportProgrammeFactory(name="Coopstartup Emilia-Romagna")


@pytest.fixture
def application(programme, signed_in_outsider):
    return ApplicationFactory(programme=programme, applicant=signed_in_outsider)

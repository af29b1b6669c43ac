import pytest

from tests.funding.factories import CallFactory, ProgrammeFactory


@pytest.fixture
def programme(db):
    return ProgrammeFactory(name="Horizon Europe", acronym="HORIZON")


@pytest.fixture
def open_call(db, programme):
    return CallFactory(programme=programme, title="Cooperative food value chains")

import pytest

from tests.funding.factories import CallFactory, ProgrammeFactory


@pytest.fixture
def programme(db):
    return ProgrammeFactory(name="Horizon Europe", acronym="HORIZON")


@pytest.fixture
def open_call(db, programme):
    return CallFactory(programme=programme, title="Cooperative food value chains")


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """Call `function` and run the on-commit callbacks it queued (tasks, emails) at once."""

    def run(function, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(*args, **kwargs)

    return run

import pytest


@pytest.fixture(autouse=True)
def _database(db):
    """Every test here uses the database; tests/conftest.py puts back the rows of the data
    migrations (sectors, themes) if a transactional test flushed them."""

"""SQLite is opened so that concurrent writers queue instead of failing ("database is locked")."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from innovacoop import env
from members.models import Theme


def test_the_default_sqlite_database_takes_the_write_lock_at_begin(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    config = env.get_database("DATABASE_URL", tmp_path / "db.sqlite3")
    assert config["OPTIONS"] == {"transaction_mode": "IMMEDIATE", "timeout": 20}


def test_an_sqlite_database_url_gets_the_same_options(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/other.sqlite3")
    config = env.get_database("DATABASE_URL", tmp_path / "db.sqlite3")
    assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert config["OPTIONS"]["timeout"] == 20


def test_postgresql_gets_no_sqlite_options(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "postgres://user@db.example:5432/innovacoop")
    config = env.get_database("DATABASE_URL", tmp_path / "db.sqlite3")
    assert "transaction_mode" not in config.get("OPTIONS", {})


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's transaction mode")
# serialized_rollback like every transactional test before the browser tests: a plain flush
# recreates the content types with new ids, and the next serialized test could not restore its
# snapshot (tests/funding/test_alerts_worker.py).
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_on_sqlite_a_transaction_begins_immediate():
    assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        Theme.objects.exists()
    assert queries.captured_queries[0]["sql"] == "BEGIN IMMEDIATE"

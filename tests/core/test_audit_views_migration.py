"""Request and application events recorded before the audit log became their one record
migrate into it: each old row is an audit entry, read back through the same model."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from core.models import AuditEntry
from partnerships.models import RequestEvent
from startups.models import ApplicationEvent
from tests.core.factories import UserFactory
from tests.partnerships.factories import PartnershipRequestFactory
from tests.startups.factories import ApplicationFactory

BEFORE = [("partnerships", "0001_initial"), ("startups", "0003_application_applicant_set_null")]
AFTER = [
    ("partnerships", "0002_request_events_in_audit_log"),
    ("startups", "0004_application_events_in_audit_log"),
]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_old_event_rows_become_audit_entries_and_read_back_the_same():
    staff = UserFactory(is_staff=True)
    request = PartnershipRequestFactory(title="Welfare di comunità in Appennino")
    application = ApplicationFactory()
    AuditEntry.objects.all().delete()  # what the factories' services logged: not under test
    at = dt.datetime(2025, 3, 4, 9, 30, tzinfo=dt.UTC)

    # The state migrate leaves: the database's models as they were before the views.
    old = MigrationExecutor(connection).migrate(BEFORE).apps
    OldRequestEvent = old.get_model("partnerships", "RequestEvent")
    OldApplicationEvent = old.get_model("startups", "ApplicationEvent")
    OldRequestEvent.objects.create(request_id=request.pk, from_state="", to_state="draft", at=at)
    OldRequestEvent.objects.create(
        request_id=request.pk,
        from_state="submitted",
        to_state="returned",
        at=at + dt.timedelta(days=2),
        by_id=staff.pk,
        note="Manca il budget",
    )
    OldApplicationEvent.objects.create(
        application_id=application.pk,
        from_stage="submitted",
        to_stage="screening",
        at=at,
        by_id=staff.pk,
        note="",
    )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    # On to the latest schema (later migrations of these apps), which the models below read.
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    created, returned = (
        AuditEntry.objects.filter(target_id=request.pk)
        .exclude(action__startswith="application.")
        .order_by("at")
    )
    assert (created.action, created.actor, created.at) == ("request.created", None, at)
    assert created.target == request
    assert created.target_label == "Welfare di comunità in Appennino"
    assert returned.action == "request.returned"
    assert returned.actor == staff
    assert returned.data == {
        "from_state": "submitted",
        "to_state": "returned",
        "note": "Manca il budget",
    }
    events = list(RequestEvent.objects.filter(request=request).order_by("at"))
    assert [(e.from_state, e.to_state, e.by_id, e.note) for e in events] == [
        ("", "draft", None, ""),
        ("submitted", "returned", staff.pk, "Manca il budget"),
    ]
    assert events[1].pk == returned.pk
    moved = ApplicationEvent.objects.get(application=application)
    assert (moved.from_stage, moved.to_stage, moved.by, moved.at) == (
        "submitted",
        "screening",
        staff,
        at,
    )
    assert AuditEntry.objects.get(pk=moved.pk).action == "application.moved"

"""A database migrated by the code before the core app (user and ledger in `innovacoop`)
migrates forward with its rows, permissions and content types intact."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder

from core.models import AuditEntry, Delivery, User

OLD_MIGRATIONS = [("innovacoop", "0001_initial"), ("innovacoop", "0002_delivery")]
# The last migrations of the apps whose event tables later became views of the audit log.
BEFORE_AUDIT_VIEWS = [
    ("partnerships", "0001_initial"),
    ("startups", "0003_application_applicant_set_null"),
]


@pytest.fixture
def database_of_the_old_main():
    """django_migrations and content types as the old main left them; restored afterwards."""
    # Event tables as they were then (the views over the audit log come later).
    MigrationExecutor(connection).migrate(BEFORE_AUDIT_VIEWS)
    recorder = MigrationRecorder(connection)
    core_rows = list(
        recorder.migration_qs.filter(app="core").values_list("app", "name").order_by("id")
    )
    # A fresh test database records core 0001 by the two migrations it replaces: they are
    # put back afterwards, or later migration tests would find core 0001 unapplied.
    replaced_rows = list(
        recorder.migration_qs.filter(app="innovacoop").values_list("app", "name").order_by("id")
    )
    recorder.migration_qs.filter(app="core").delete()
    # What the core app made after the move did not exist then (migrate makes it again).
    AuditEntry.objects.all().delete()
    ContentType.objects.filter(app_label="core", model="auditentry").delete()
    with connection.schema_editor() as editor:
        editor.delete_model(AuditEntry)
    for app, name in OLD_MIGRATIONS:
        recorder.record_applied(app, name)
    ContentType.objects.filter(app_label="core").update(app_label="innovacoop")
    ContentType.objects.clear_cache()
    yield recorder
    recorder.migration_qs.filter(app="innovacoop").delete()
    for app, name in [*replaced_rows, *core_rows]:
        if not recorder.migration_qs.filter(app=app, name=name).exists():
            recorder.record_applied(app, name)
    ContentType.objects.filter(app_label="innovacoop").update(app_label="core")
    ContentType.objects.clear_cache()


# serialized_rollback as the other transactional tests: the flush after this test then leaves the
# content types to be reloaded from the snapshot, instead of recreating them with new ids.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_database_of_the_old_main_migrates_with_its_rows(database_of_the_old_main):
    recorder = database_of_the_old_main
    old_user_type = ContentType.objects.get(app_label="innovacoop", model="user")
    permission = Permission.objects.create(
        codename="audit_users", name="Can audit users", content_type=old_user_type
    )
    group = Group.objects.create(name="Auditors")
    group.permissions.add(permission)
    user = User.objects.create_user("old@example.org", "x", full_name="Old Member")
    user.groups.add(group)
    Delivery.objects.create(
        key="old:1", kind="old", recipient=user, to_email=user.email, subject="s", body_text="t"
    )

    call_command("migrate", verbosity=0)

    applied = recorder.applied_migrations()
    assert ("core", "0001_initial") in applied
    assert ("core", "0002_content_types_from_innovacoop") in applied
    assert not AuditEntry.objects.exists()  # the audit log's table, made by the migration
    assert User.objects.filter(email="old@example.org", groups=group).exists()
    assert Delivery.objects.get(key="old:1").recipient == user
    ContentType.objects.clear_cache()
    permission.refresh_from_db()
    assert permission.content_type_id == old_user_type.pk
    assert (permission.content_type.app_label, permission.content_type.model) == ("core", "user")
    assert not ContentType.objects.filter(app_label="innovacoop").exists()
    assert user.has_perm("core.audit_users")


@pytest.mark.django_db
def test_the_moved_models_keep_their_tables():
    assert User._meta.db_table == "innovacoop_user"
    assert Delivery._meta.db_table == "innovacoop_delivery"
    assert User.groups.through._meta.db_table == "innovacoop_user_groups"
    assert ContentType.objects.get_for_model(User).app_label == "core"

"""GIN index on the stored search vector, on PostgreSQL only (SQLite searches with LIKE).

Kept out of Meta.indexes because a GinIndex cannot be created on SQLite, the embedded default.
"""

from django.db import migrations

INDEX = "funding_call_search_vector_gin"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON funding_call USING gin (search_vector)"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("funding", "0002_applicant_types")]

    operations = [migrations.RunPython(create_index, drop_index)]

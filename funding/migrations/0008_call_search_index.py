"""Indexes only one database can have, so each database gets the ones it can use.

SQLite: the FTS5 table of word stems (funding.search), filled from the existing calls.
PostgreSQL: an index on the identifier's upper case with text_pattern_ops, so the search's
"identifier starts with" condition is an index probe that PostgreSQL ORs with the GIN index;
and a covering index of the few columns the catalogue's facet counts, status filters and
deadline sort read of every published call, so they are an index-only scan instead of a read
of the wide rows (descriptions, search vectors). SQLite has no INCLUDE (a model index with
`include` warns there), hence here.
"""

from django.db import migrations

from funding import search

IDENTIFIER_INDEX = "funding_call_identifier_upper"
CATALOGUE_INDEX = "funding_call_catalogue_covering"


def create(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "sqlite":
        search.create_index(connection)
        search.rebuild(connection)
    elif connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {IDENTIFIER_INDEX} ON funding_call "
            "(UPPER(identifier::text) text_pattern_ops)"
        )
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {CATALOGUE_INDEX} ON funding_call "
            "(publication_state, last_deadline_at) INCLUDE (id, programme_id, opens_at, "
            "next_deadline_at, previous_deadline_at, consortium_required, total_budget, "
            "published_at)"
        )


def drop(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "sqlite":
        search.drop_index(connection)
    elif connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {IDENTIFIER_INDEX}")
        schema_editor.execute(f"DROP INDEX IF EXISTS {CATALOGUE_INDEX}")


class Migration(migrations.Migration):
    dependencies = [("funding", "0007_call_stored_deadlines")]

    operations = [migrations.RunPython(create, drop)]

"""The SQL of the audit views (`core.models.AuditView`), for their models' migrations.

A view reads the entries of one target model whose action starts with a prefix, and turns
keys of their `data` into columns. JSON is read with each database's own operator.
"""


def _json_text(vendor, key):
    if vendor == "postgresql":
        return f"a.data ->> '{key}'"
    return f"json_extract(a.data, '$.{key}')"


def view_sql(vendor, *, view, target, target_column, action_prefix, data_columns):
    """CREATE VIEW `view` over the entries on `target` ("app_label.model")."""
    app_label, model = target.split(".")
    columns = [
        "a.id AS id",
        f"a.target_id AS {target_column}",
        "a.actor_id AS by_id",
        "a.at AS at",
        *(f"COALESCE({_json_text(vendor, key)}, '') AS {key}" for key in data_columns),
    ]
    return (
        f"CREATE VIEW {view} AS SELECT {', '.join(columns)} "
        "FROM core_auditentry a JOIN django_content_type ct ON ct.id = a.target_type_id "
        f"WHERE ct.app_label = '{app_label}' AND ct.model = '{model}' "
        f"AND a.action LIKE '{action_prefix}%'"
    )


def create_view(**definition):
    """A RunPython pair (forwards, backwards) making and dropping the view."""

    def forwards(apps, schema_editor):
        # No parameters: the LIKE pattern's "%" is not a placeholder.
        schema_editor.execute(view_sql(schema_editor.connection.vendor, **definition), None)

    def backwards(apps, schema_editor):
        schema_editor.execute(f"DROP VIEW IF EXISTS {definition['view']}")

    return forwards, backwards


def copy_into_audit_log(*, model, target_field, label, action, data_columns):
    """A RunPython function moving the rows of the table `model` ("app_label.Model", before
    it becomes a view) into the audit log: one entry per row, same time, person and details.

    `label(target)` is the target's name as its `__str__` gives it (historical models have
    none); `action(row)` the entry's action."""
    app_label, model_name = model.split(".")

    def forwards(apps, schema_editor):
        Rows = apps.get_model(app_label, model_name)
        AuditEntry = apps.get_model("core", "AuditEntry")
        ContentType = apps.get_model("contenttypes", "ContentType")
        rows = Rows.objects.select_related(target_field).order_by("at", "pk")
        if not rows.exists():
            return
        target_model = Rows._meta.get_field(target_field).related_model._meta
        target_type, _created = ContentType.objects.get_or_create(
            app_label=target_model.app_label, model=target_model.model_name
        )
        entries = [
            AuditEntry(
                actor_id=row.by_id,
                action=action(row),
                at=row.at,
                target_type=target_type,
                target_id=getattr(row, f"{target_field}_id"),
                target_label=label(getattr(row, target_field))[:255],
                data={column: getattr(row, column) for column in data_columns},
            )
            for row in rows.iterator(chunk_size=2000)
        ]
        AuditEntry.objects.bulk_create(entries, batch_size=1000)

    return forwards

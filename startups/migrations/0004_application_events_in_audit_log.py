"""Application events become a view of the audit log: the rows move into `core.AuditEntry`
(one entry per move, same time, person and note), the table is dropped and a view of the
same name reads the entries back (`core.models.AuditView`)."""

from django.conf import settings
from django.db import migrations, models

import django.db.models.deletion
import django.utils.timezone
from core.audit_views import copy_into_audit_log, create_view

STAGES = [
    ("awaiting_confirmation", "Awaiting email confirmation"),
    ("submitted", "Submitted"),
    ("screening", "Screening"),
    ("accepted", "Accepted"),
    ("rejected", "Rejected"),
    ("incubating", "Incubating"),
    ("graduated", "Graduated"),
    ("dropped", "Dropped"),
]
COLUMNS = ["from_stage", "to_stage", "note"]
copy_rows = copy_into_audit_log(
    model="startups.ApplicationEvent",
    target_field="application",
    label=lambda application: f"{application.startup_name} → {application.programme.name}",
    action=lambda row: "application.moved" if row.from_stage else "application.submitted",
    data_columns=COLUMNS,
)
view_create, view_drop = create_view(
    view="startups_applicationevent",
    target="startups.application",
    target_column="application_id",
    action_prefix="application.",
    data_columns=COLUMNS,
)


class Migration(migrations.Migration):
    dependencies = [
        ("startups", "0003_application_applicant_set_null"),
        ("core", "0004_audit_actions"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(copy_rows, migrations.RunPython.noop),
        migrations.DeleteModel(name="ApplicationEvent"),
        migrations.CreateModel(
            name="ApplicationEvent",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "from_stage",
                    models.CharField(blank=True, choices=STAGES, max_length=25, verbose_name="from"),
                ),
                ("to_stage", models.CharField(choices=STAGES, max_length=25, verbose_name="to")),
                ("note", models.TextField(blank=True, verbose_name="note")),
                ("at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="at")),
                (
                    "application",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="events",
                        to="startups.application",
                        verbose_name="application",
                    ),
                ),
                (
                    "by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="by",
                    ),
                ),
            ],
            options={
                "verbose_name": "application event",
                "verbose_name_plural": "application events",
                "ordering": ["at", "pk"],
                "db_table": "startups_applicationevent",
                "managed": False,
            },
        ),
        migrations.RunPython(view_create, view_drop),
    ]

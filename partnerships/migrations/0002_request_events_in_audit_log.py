"""Request events become a view of the audit log: the rows move into `core.AuditEntry`
(one entry per move, same time, person and note), the table is dropped and a view of the
same name reads the entries back (`core.models.AuditView`)."""

from django.conf import settings
from django.db import migrations, models

import django.db.models.deletion
import django.utils.timezone
from core.audit_views import copy_into_audit_log, create_view

STATES = [
    ("draft", "Draft"),
    ("submitted", "Submitted for review"),
    ("published", "Published"),
    ("returned", "Returned to the owner"),
    ("closed", "Closed"),
    ("expired", "Expired"),
]
# The actions as `partnerships.RequestEvent.audit_action` names them, frozen here.
ACTIONS = {
    "submitted": "request.submitted",
    "published": "request.approved",
    "returned": "request.returned",
    "closed": "request.closed",
    "expired": "request.expired",
}


def _action(row):
    if not row.from_state:
        return "request.created"
    if row.from_state == row.to_state:
        return "request.edited"
    return ACTIONS[row.to_state]


COLUMNS = ["from_state", "to_state", "note"]
copy_rows = copy_into_audit_log(
    model="partnerships.RequestEvent",
    target_field="request",
    label=lambda request: request.title,
    action=_action,
    data_columns=COLUMNS,
)
view_create, view_drop = create_view(
    view="partnerships_requestevent",
    target="partnerships.partnershiprequest",
    target_column="request_id",
    action_prefix="request.",
    data_columns=COLUMNS,
)


class Migration(migrations.Migration):
    dependencies = [
        ("partnerships", "0001_initial"),
        ("core", "0004_audit_actions"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(copy_rows, migrations.RunPython.noop),
        migrations.DeleteModel(name="RequestEvent"),
        migrations.CreateModel(
            name="RequestEvent",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "from_state",
                    models.CharField(blank=True, choices=STATES, max_length=20, verbose_name="from"),
                ),
                ("to_state", models.CharField(choices=STATES, max_length=20, verbose_name="to")),
                ("at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="at")),
                ("note", models.TextField(blank=True, verbose_name="note")),
                (
                    "by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        help_text="Empty when the portal did it (expiry).",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="by",
                    ),
                ),
                (
                    "request",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="events",
                        to="partnerships.partnershiprequest",
                    ),
                ),
            ],
            options={
                "verbose_name": "request event",
                "verbose_name_plural": "request events",
                "ordering": ["at", "pk"],
                "db_table": "partnerships_requestevent",
                "managed": False,
            },
        ),
        migrations.RunPython(view_create, view_drop),
    ]

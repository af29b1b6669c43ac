"""Store each call's last, next and previous deadline on the call (read by every list).

The values are filled here for existing rows; afterwards every write to deadlines keeps them
(funding.models.DeadlineQuerySet, Deadline.save/delete) and the periodic roll moves
`next_deadline_at` on when a stage passes.
"""

from django.db import migrations, models
from django.db.models import Max, Min, OuterRef, Subquery
from django.utils import timezone


def fill(apps, schema_editor):
    Call = apps.get_model("funding", "Call")
    Deadline = apps.get_model("funding", "Deadline")
    now = timezone.now()
    deadlines = Deadline.objects.filter(call=OuterRef("pk")).order_by().values("call")
    Call.objects.using(schema_editor.connection.alias).update(
        last_deadline_at=Subquery(deadlines.annotate(due=Max("due_at")).values("due")),
        next_deadline_at=Subquery(
            deadlines.filter(due_at__gte=now).annotate(due=Min("due_at")).values("due")
        ),
        previous_deadline_at=Subquery(
            deadlines.filter(due_at__lt=now).annotate(due=Max("due_at")).values("due")
        ),
    )


class Migration(migrations.Migration):
    dependencies = [("funding", "0006_alert_chunks")]

    operations = [
        migrations.AddField(
            model_name="call",
            name="last_deadline_at",
            field=models.DateTimeField(
                blank=True, db_index=True, editable=False, null=True, verbose_name="last deadline"
            ),
        ),
        migrations.AddField(
            model_name="call",
            name="next_deadline_at",
            field=models.DateTimeField(
                blank=True, db_index=True, editable=False, null=True, verbose_name="next deadline"
            ),
        ),
        migrations.AddField(
            model_name="call",
            name="previous_deadline_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="previous deadline"
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]

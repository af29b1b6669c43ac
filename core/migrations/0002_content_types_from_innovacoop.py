"""The content types of the moved models follow them from app label "innovacoop" to "core".

Permissions, admin log entries and anything else keyed on a content type then keep pointing
at the same rows (same ids). A fresh database has no "innovacoop" content types (they are
created after migrations run), so there this does nothing.
"""

from django.db import migrations

MOVED_MODELS = ["user", "delivery"]


def relabel(apps, *, old, new):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MOVED_MODELS:
        # Where the new label exists already (created by a run of the new code before this
        # migration), the old row is left alone rather than broken by a duplicate key.
        if not ContentType.objects.filter(app_label=new, model=model).exists():
            ContentType.objects.filter(app_label=old, model=model).update(app_label=new)


def forwards(apps, schema_editor):
    relabel(apps, old="innovacoop", new="core")


def backwards(apps, schema_editor):
    relabel(apps, old="core", new="innovacoop")


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]

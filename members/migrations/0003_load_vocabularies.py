"""Load the shared vocabularies: NACE Rev. 2 sections and divisions, innovation themes.

Idempotent (update_or_create by code / slug); reversing leaves the rows in place.
"""

from django.db import migrations

from members.vocabularies import load_sectors, load_themes


def load(apps, schema_editor):
    load_sectors(apps.get_model("members", "Sector"))
    load_themes(apps.get_model("members", "Theme"))


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0002_cooperatives_memberships"),
    ]

    operations = [
        migrations.RunPython(load, migrations.RunPython.noop),
    ]

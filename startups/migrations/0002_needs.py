from django.db import migrations

from startups.vocabularies import NEEDS, load_needs


def load(apps, schema_editor):
    load_needs(apps.get_model("startups", "Need"))


def unload(apps, schema_editor):
    Need = apps.get_model("startups", "Need")
    Need.objects.filter(code__in=[row[0] for row in NEEDS]).delete()


class Migration(migrations.Migration):
    dependencies = [("startups", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]

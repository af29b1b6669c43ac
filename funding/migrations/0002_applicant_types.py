"""The applicant types calls are filtered by: a fixed vocabulary, editable by staff afterwards."""

from django.db import migrations

from funding.vocabularies import APPLICANT_TYPES, load_applicant_types


def load(apps, schema_editor):
    load_applicant_types(apps.get_model("funding", "ApplicantType"))


def unload(apps, schema_editor):
    ApplicantType = apps.get_model("funding", "ApplicantType")
    ApplicantType.objects.filter(code__in=[row[0] for row in APPLICANT_TYPES]).delete()


class Migration(migrations.Migration):
    dependencies = [("funding", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]

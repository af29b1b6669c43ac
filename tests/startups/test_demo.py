"""The demo loader: every kind and every stage, flagged demo, and a second run changes nothing."""

import io

import pytest
from django.core.management import call_command

from startups import demo
from startups.models import Application, Mentor, MentorAssignment, Startup, SupportProgramme

pytestmark = pytest.mark.django_db


def snapshot():
    rows = []
    for model in (SupportProgramme, Startup, Application, Mentor, MentorAssignment):
        rows.extend(model.objects.order_by("pk").values())
    return rows


def test_demo_has_every_kind_and_every_stage_and_is_flagged():
    call_command("load_demo", stdout=io.StringIO())
    programme = SupportProgramme.objects.get(slug=demo.OPEN_PROGRAMME)
    assert programme.is_demo and programme.is_open()
    assert not SupportProgramme.objects.get(slug=demo.CLOSED_PROGRAMME).is_open()
    assert set(programme.applications.values_list("stage", flat=True)) == set(
        Application.Stage.values
    )
    assert set(Startup.objects.values_list("kind", flat=True)) == set(Startup.Kind.values)
    assert not Startup.objects.filter(is_demo=False).exists()
    assert not Application.objects.filter(is_demo=False).exists()
    assert Startup.objects.filter(parent_body__kind="university").exists()
    assert Startup.objects.filter(parent_cooperative__isnull=False).exists()
    assert MentorAssignment.objects.exists()


def test_a_second_run_changes_nothing():
    call_command("load_demo", stdout=io.StringIO())
    before = snapshot()
    demo.load()
    assert snapshot() == before


def test_demo_without_the_other_apps_data_still_loads():
    demo.load()
    assert Startup.objects.count() == len(demo.STARTUPS)
    assert not Startup.objects.filter(parent_body__isnull=False).exists()

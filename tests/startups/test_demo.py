"""The demo loader: every kind and every stage, flagged demo, and a second run changes nothing."""

import pytest

from core import demo_loader
from startups import demo
from startups.models import Application, Mentor, MentorAssignment, Startup, SupportProgramme
from tests.demo_data import load_local_demo

WRITTEN = demo_loader.parse(demo_loader.data_dir("startups") / "invented.yaml")
OPEN_PROGRAMME, CLOSED_PROGRAMME = (p["slug"] for p in WRITTEN["startups.SupportProgramme"])

pytestmark = pytest.mark.django_db


def snapshot():
    rows = []
    for model in (SupportProgramme, Startup, Application, Mentor, MentorAssignment):
        rows.extend(model.objects.order_by("pk").values())
    return rows


def test_demo_has_every_kind_and_every_stage_and_is_flagged():
    load_local_demo()
    programme = SupportProgramme.objects.get(slug=OPEN_PROGRAMME)
    assert programme.is_demo and programme.is_open()
    assert not SupportProgramme.objects.get(slug=CLOSED_PROGRAMME).is_open()
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
    load_local_demo()
    before = snapshot()
    demo.load()
    assert snapshot() == before


def test_demo_without_the_other_apps_data_still_loads():
    demo.load()
    assert Startup.objects.count() == len(WRITTEN["startups.Startup"])
    assert not Startup.objects.filter(parent_body__isnull=False).exists()

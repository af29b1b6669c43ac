"""Every startups model has a working admin (list, search, add form)."""

import pytest

from startups import demo

pytestmark = pytest.mark.django_db

MODELS = [
    "need",
    "startup",
    "supportprogramme",
    "application",
    "applicationevent",
    "mentor",
    "mentorassignment",
]


@pytest.mark.parametrize("model", MODELS)
def test_admin_pages_answer(staff_client, model):
    demo.load()
    base = f"/admin/startups/{model}/"
    assert staff_client.get(base).status_code == 200
    assert staff_client.get(base + "?q=a").status_code == 200
    assert staff_client.get(base + "add/").status_code in (200, 403)


def test_admin_action_moves_through_the_pipeline(staff_client):
    from startups.models import Application

    demo.load()
    submitted = Application.objects.get(stage=Application.Stage.SUBMITTED)
    response = staff_client.post(
        "/admin/startups/application/",
        {"action": "move_to_screening", "_selected_action": [submitted.pk]},
    )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.stage == Application.Stage.SCREENING
    assert submitted.events.filter(to_stage=Application.Stage.SCREENING).exists()


def test_members_cannot_open_the_startups_admin(client, signed_in_outsider):
    client.force_login(signed_in_outsider)
    assert client.get("/admin/startups/application/").status_code == 302

"""Editing the cooperative profile, with its history kept for staff."""

import pytest
from django.urls import reverse

from members.models import Cooperative
from tests.members.factories import theme

pytestmark = pytest.mark.django_db


def edit(client, coop, **values):
    data = {
        "main_sector": coop.main_sector_id,
        "description": coop.description,
        "city": coop.city,
        "province": coop.province,
        "email": coop.email,
        "phone": coop.phone,
        **values,
    }
    return client.post(reverse("portal:cooperative-edit", kwargs={"slug": coop.slug}), data)


def test_an_editor_changes_the_profile_and_it_is_recorded(client, coop, coop_editor):
    client.force_login(coop_editor)
    response = edit(
        client,
        coop,
        description="Software per cooperative sociali.",
        themes=[theme("digital-transition").pk],
        countries_of_interest=["TN", "FR"],
        website="www.aurora.example",
    )
    assert response.status_code == 302
    coop.refresh_from_db()
    assert coop.description == "Software per cooperative sociali."
    assert coop.website == "https://www.aurora.example"
    assert list(coop.themes.values_list("slug", flat=True)) == ["digital-transition"]
    latest = coop.history.latest()
    assert latest.history_user == coop_editor
    assert latest.history_type == "~"


def test_the_legal_identity_cannot_be_changed_from_the_portal(client, coop, coop_admin):
    client.force_login(coop_admin)
    original = (coop.legal_name, coop.vat_number, coop.slug)
    edit(client, coop, legal_name="Altro nome", vat_number="00000000000", slug="altro")
    coop.refresh_from_db()
    assert (coop.legal_name, coop.vat_number, coop.slug) == original


def test_bad_input_is_reported_on_the_form_and_nothing_is_saved(client, coop, coop_editor):
    client.force_login(coop_editor)
    response = edit(client, coop, description="Nuovo", year_founded="1200", phone="abc")
    assert response.status_code == 200
    assert response.context["form"].errors
    assert Cooperative.objects.get(pk=coop.pk).description != "Nuovo"


def test_staff_see_who_changed_what(client, coop, coop_editor, staff_user):
    client.force_login(coop_editor)
    edit(client, coop, description="Prima modifica")
    client.force_login(staff_user)
    response = client.get(reverse("portal:cooperative-edit", kwargs={"slug": coop.slug}))
    rows = response.context["history"]
    assert rows[0]["record"].history_user == coop_editor
    assert "descrizione" in [label.lower() for label in rows[0]["changed"]]
    assert coop_editor.full_name in response.content.decode()


def test_the_admin_shows_the_history_to_staff(staff_client, coop):
    coop.description = "Cambiata"
    coop.save()
    response = staff_client.get(reverse("admin:members_cooperative_history", args=[coop.pk]))
    assert response.status_code == 200


def test_completeness_counts_the_filled_profile_fields(coop):
    before = coop.profile_completeness
    coop.description = "Qualcosa"
    coop.year_founded = 1990
    coop.save()
    coop.refresh_from_db()
    assert coop.profile_completeness > before

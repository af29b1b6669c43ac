import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from members.models import Cooperative
from members.validators import normalize_vat, validate_vat_number
from tests.members.factories import CooperativeFactory, division, valid_vat

VALID = "00743110157"  # the example of python-stdnum's documentation


@pytest.mark.parametrize("value", [VALID, "IT00743110157", "IT 007 431 101 57", " 00743110157 "])
def test_valid_vat_numbers_pass_in_any_usual_spelling(value):
    validate_vat_number(value)
    assert normalize_vat(value) == VALID


@pytest.mark.parametrize(
    "value, code",
    [
        ("00743110158", "invalid_checksum"),
        ("0074311015", "invalid_length"),
        ("007431101577", "invalid_length"),
        ("ABCDEFGHIJK", "invalid_length"),
        ("00000000000", "invalid"),
    ],
)
def test_invalid_vat_numbers_are_rejected(value, code):
    with pytest.raises(ValidationError) as info:
        validate_vat_number(value)
    assert info.value.code == code


def test_cooperative_stores_the_compact_vat_number():
    cooperative = CooperativeFactory(vat_number="IT 007 431 101 57")
    cooperative.refresh_from_db()
    assert cooperative.vat_number == VALID


def test_cooperative_with_a_bad_check_digit_does_not_validate():
    cooperative = Cooperative(legal_name="Prova", slug="prova", vat_number="00743110158")
    with pytest.raises(ValidationError) as info:
        cooperative.full_clean()
    assert "vat_number" in info.value.message_dict


def test_duplicate_vat_number_is_refused_by_validation_and_by_the_database():
    CooperativeFactory(vat_number=VALID)
    duplicate = Cooperative(legal_name="Doppione", slug="doppione", vat_number="IT" + VALID)
    with pytest.raises(ValidationError) as info:
        duplicate.full_clean()
    assert "vat_number" in info.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_cooperatives_without_vat_number_do_not_clash():
    first = CooperativeFactory(vat_number="")
    second = CooperativeFactory(vat_number=None)
    second.full_clean()
    assert first.vat_number is None and second.vat_number is None


def admin_add_data(**overrides):
    data = {
        "legal_name": "Nuova Cooperativa",
        "slug": "nuova-cooperativa",
        "vat_number": valid_vat(500),
        "cooperative_type": "worker",
        "is_active": "on",
        "main_sector": division("62").pk,
        "city": "Bologna",
        "province": "BO",
        "contacts-TOTAL_FORMS": "0",
        "contacts-INITIAL_FORMS": "0",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


def test_staff_adds_a_cooperative_in_the_admin(staff_client):
    response = staff_client.post("/admin/members/cooperative/add/", admin_add_data())
    assert response.status_code == 302, response.context["adminform"].form.errors
    cooperative = Cooperative.objects.get(slug="nuova-cooperativa")
    assert cooperative.region == "ITH5"


def test_admin_shows_an_error_for_a_bad_vat_number_and_saves_nothing(staff_client):
    response = staff_client.post(
        "/admin/members/cooperative/add/", admin_add_data(vat_number="00743110158")
    )
    assert response.status_code == 200
    assert "vat_number" in response.context["adminform"].form.errors
    assert not Cooperative.objects.filter(slug="nuova-cooperativa").exists()


def test_admin_refuses_a_duplicate_vat_number(staff_client):
    CooperativeFactory(vat_number=VALID)
    response = staff_client.post(
        "/admin/members/cooperative/add/", admin_add_data(vat_number="IT " + VALID)
    )
    assert response.status_code == 200
    assert "vat_number" in response.context["adminform"].form.errors

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command

from innovacoop.demo import DEMO_STAFF_EMAIL, DEMO_STAFF_PASSWORD
from innovacoop.models import User

pytestmark = pytest.mark.django_db


def snapshot():
    return [
        (u.email, u.password, u.is_staff, u.full_name, u.language)
        for u in User.objects.order_by("email")
    ] + list(EmailAddress.objects.order_by("email").values_list("email", "verified", "primary"))


def test_load_demo_creates_a_staff_account_that_can_sign_in(client):
    call_command("load_demo", verbosity=0)
    staff = User.objects.get(email=DEMO_STAFF_EMAIL)
    assert staff.is_staff
    response = client.post(
        "/accounts/login/", {"login": DEMO_STAFF_EMAIL, "password": DEMO_STAFF_PASSWORD}
    )
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_load_demo_twice_changes_nothing():
    call_command("load_demo", verbosity=0)
    first = snapshot()
    call_command("load_demo", verbosity=0)
    assert snapshot() == first

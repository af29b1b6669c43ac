"""The admin index is grouped by task, with the count of what waits beside the lists where
work is done; other admin pages do not pay for the counts."""

import pytest
from django.urls import reverse

from partnerships import services
from partnerships.models import PartnershipRequest
from tests.partnerships.factories import PartnershipRequestFactory

pytestmark = pytest.mark.django_db

INDEX = reverse("admin:index")


def groups(response):
    return {
        group["app_label"]: {model["object_name"]: str(model["name"]) for model in group["models"]}
        for group in response.context["app_list"]
    }


def test_the_index_is_grouped_by_task(staff_client):
    response = staff_client.get(INDEX)
    found = groups(response)
    assert list(found) == ["calls", "partnerships", "cooperatives", "startups", "email", "system"]
    assert "Call" in found["calls"] and "Programme" in found["calls"]
    assert "PartnershipRequest" in found["partnerships"]
    assert {"Cooperative", "Invitation", "Body"} <= set(found["cooperatives"])
    assert "Application" in found["startups"]
    assert set(found["email"]) == {"Delivery"}
    assert {"PeriodicTask", "AuditEntry", "User"} <= set(found["system"])


def test_work_waiting_is_counted_beside_its_list_until_handled(staff_client, staff_user, coop):
    request = PartnershipRequestFactory(owner=coop, state=PartnershipRequest.State.SUBMITTED)
    requests = groups(staff_client.get(INDEX))["partnerships"]["PartnershipRequest"]
    assert 'class="pending-count"' in requests and ">1<" in requests
    services.request_approve(request=request, by=staff_user)
    requests = groups(staff_client.get(INDEX))["partnerships"]["PartnershipRequest"]
    assert "pending-count" not in requests


def test_an_apps_own_page_still_lists_only_its_models(staff_client):
    response = staff_client.get(reverse("admin:app_list", kwargs={"app_label": "funding"}))
    assert response.status_code == 200
    assert [app["app_label"] for app in response.context["app_list"]] == ["funding"]

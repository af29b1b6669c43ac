"""Staff moderate in the admin: approve and return go through the services (events, emails)."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from core.models import Delivery
from partnerships.models import PartnershipRequest, RequestEvent
from tests.partnerships.factories import ExpressionOfInterestFactory, PartnershipRequestFactory

pytestmark = pytest.mark.django_db

State = PartnershipRequest.State
CHANGELIST = reverse("admin:partnerships_partnershiprequest_changelist")


def test_the_admin_pages_open(staff_client, coop):
    request = PartnershipRequestFactory(owner=coop)
    RequestEvent.objects.create(request=request, to_state=State.PUBLISHED)
    interest = ExpressionOfInterestFactory(request=request)
    for url in (
        CHANGELIST,
        reverse("admin:partnerships_partnershiprequest_change", args=[request.pk]),
        reverse("admin:partnerships_partnershiprequest_add"),
        reverse("admin:partnerships_expressionofinterest_changelist"),
        reverse("admin:partnerships_expressionofinterest_change", args=[interest.pk]),
        reverse("admin:partnerships_dismissedsuggestion_changelist"),
    ):
        assert staff_client.get(url).status_code == 200, url


def test_approve_action_publishes_submitted_requests_only(staff_client, coop, coop_editor):
    submitted = PartnershipRequestFactory(owner=coop, state=State.SUBMITTED)
    draft = PartnershipRequestFactory(owner=coop, state=State.DRAFT)
    response = staff_client.post(
        CHANGELIST,
        {"action": "approve", ACTION_CHECKBOX_NAME: [submitted.pk, draft.pk]},
        follow=True,
    )
    assert response.status_code == 200
    submitted.refresh_from_db()
    draft.refresh_from_db()
    assert (submitted.state, draft.state) == (State.PUBLISHED, State.DRAFT)
    assert RequestEvent.objects.filter(request=submitted, to_state=State.PUBLISHED).exists()
    assert Delivery.objects.filter(to_email=coop_editor.email).count() == 1
    levels = [message.level_tag for message in response.context["messages"]]
    assert "success" in levels and "warning" in levels


def test_return_action_asks_for_a_reason_then_returns(staff_client, coop, coop_editor):
    submitted = PartnershipRequestFactory(owner=coop, state=State.SUBMITTED)
    data = {"action": "return_to_owner", ACTION_CHECKBOX_NAME: [submitted.pk]}
    response = staff_client.post(CHANGELIST, data)
    assert response.status_code == 200
    assert b'name="reason"' in response.content
    submitted.refresh_from_db()
    assert submitted.state == State.SUBMITTED
    response = staff_client.post(CHANGELIST, {**data, "apply": "1", "reason": "Troppo vago."})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert (submitted.state, submitted.return_reason) == (State.RETURNED, "Troppo vago.")
    assert "Troppo vago." in Delivery.objects.get(to_email=coop_editor.email).body_text


def test_return_action_without_reason_shows_the_form_again(staff_client, coop):
    submitted = PartnershipRequestFactory(owner=coop, state=State.SUBMITTED)
    response = staff_client.post(
        CHANGELIST,
        {
            "action": "return_to_owner",
            ACTION_CHECKBOX_NAME: [submitted.pk],
            "apply": "1",
            "reason": "",
        },
    )
    assert response.status_code == 200
    submitted.refresh_from_db()
    assert submitted.state == State.SUBMITTED


def test_the_state_is_not_editable_by_hand(staff_client, coop):
    request = PartnershipRequestFactory(owner=coop, state=State.SUBMITTED)
    response = staff_client.get(
        reverse("admin:partnerships_partnershiprequest_change", args=[request.pk])
    )
    assert b'name="state"' not in response.content


def test_members_cannot_open_the_admin(client, coop_admin):
    client.force_login(coop_admin)
    response = client.get(CHANGELIST)
    assert response.status_code == 302

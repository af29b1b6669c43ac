"""Expiry: published requests past their deadline for interest expire once, emailed once."""

import datetime

import pytest
from django.utils import timezone

from core.models import Delivery
from partnerships import services, tasks
from partnerships.models import PartnershipRequest, RequestEvent
from tests.partnerships.factories import PartnershipRequestFactory

pytestmark = pytest.mark.django_db

State = PartnershipRequest.State


def days(n):
    return timezone.localdate() + datetime.timedelta(days=n)


def test_past_deadline_requests_expire_and_the_owner_is_emailed(coop, coop_editor):
    past = PartnershipRequestFactory(owner=coop, interest_deadline=days(-1))
    today = PartnershipRequestFactory(owner=coop, interest_deadline=days(0))
    open_ended = PartnershipRequestFactory(owner=coop, interest_deadline=None)
    draft = PartnershipRequestFactory(owner=coop, state=State.DRAFT, interest_deadline=days(-5))
    assert services.requests_expire() == 1
    states = {
        request.pk: request.state
        for request in PartnershipRequest.objects.filter(
            pk__in=[past.pk, today.pk, open_ended.pk, draft.pk]
        )
    }
    assert states == {
        past.pk: State.EXPIRED,
        today.pk: State.PUBLISHED,
        open_ended.pk: State.PUBLISHED,
        draft.pk: State.DRAFT,
    }
    event = RequestEvent.objects.get(request=past)
    assert (event.from_state, event.to_state, event.by) == (State.PUBLISHED, State.EXPIRED, None)
    delivery = Delivery.objects.get(to_email=coop_editor.email)
    assert past.title in delivery.subject


def test_running_expiry_again_changes_and_sends_nothing(coop, coop_editor):
    PartnershipRequestFactory(owner=coop, interest_deadline=days(-1))
    assert services.requests_expire() == 1
    assert services.requests_expire() == 0
    assert Delivery.objects.count() == 1
    assert RequestEvent.objects.count() == 1


def test_expiry_at_a_given_moment(coop):
    request = PartnershipRequestFactory(owner=coop, interest_deadline=days(3))
    assert services.requests_expire(now=timezone.now()) == 0
    assert services.requests_expire(now=timezone.now() + datetime.timedelta(days=5)) == 1
    request.refresh_from_db()
    assert request.state == State.EXPIRED


def test_an_expired_request_takes_no_interest_and_cannot_be_closed(
    coop, coop_admin, other_coop, other_coop_admin
):
    from django.core.exceptions import ValidationError

    request = PartnershipRequestFactory(owner=coop, interest_deadline=days(-1))
    services.requests_expire()
    request.refresh_from_db()
    with pytest.raises(ValidationError):
        services.interest_express(
            request=request, cooperative=other_coop, by=other_coop_admin, message="Ciao"
        )
    with pytest.raises(ValidationError):
        services.request_close(request=request, by=coop_admin, outcome="withdrawn")


def test_the_periodic_task_expires_requests(coop):
    PartnershipRequestFactory(owner=coop, interest_deadline=days(-2))
    assert tasks.expire_requests.delay().get() == 1


def test_the_task_is_scheduled_daily(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["partnerships-expire-requests"]
    assert entry["task"] == "partnerships.expire_requests"

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from funding.models import Call
from tests.funding.factories import CallFactory

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def test_home_lists_open_calls_closing_soonest(client):
    now = timezone.now()
    for days in (40, 3, 20, 10, 30, 50, 60):
        CallFactory(slug=f"open-{days}", deadlines=[now + days * DAY])
    CallFactory(slug="closed", deadlines=[now - DAY])
    CallFactory(slug="forthcoming", opens_at=now + DAY, deadlines=[now + 2 * DAY])
    CallFactory(slug="draft", publication_state=Call.PublicationState.DRAFT, deadlines=[now + DAY])
    response = client.get("/")
    assert [call.slug for call in response.context["closing_calls"]] == [
        "open-3",
        "open-10",
        "open-20",
        "open-30",
        "open-40",
        "open-50",
    ]
    assert 'data-testid="closing-calls"' in response.content.decode()


def test_home_query_count_does_not_grow_with_calls(client):
    now = timezone.now()
    CallFactory(deadlines=[now + DAY])
    cache.clear()  # measured are views that render every part (none kept from before)
    with CaptureQueriesContext(connection) as few:
        client.get("/")
    for number in range(20):
        CallFactory(deadlines=[now + number * DAY + DAY, now + 100 * DAY])
    cache.clear()
    with CaptureQueriesContext(connection) as many:
        client.get("/")
    assert len(many) == len(few)

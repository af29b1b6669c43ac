import datetime
from collections import Counter

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from core import demo_loader
from funding import demo
from funding.models import Call, CallProvenance, Deadline, Programme
from tests.funding.factories import CallFactory

pytestmark = pytest.mark.django_db


def written(kind, label):
    """The records of a section of funding's demo data file."""
    return demo_loader.parse(demo_loader.data_dir("funding") / f"{kind}.yaml")[label]


def snapshot():
    calls = [
        (
            call.slug,
            call.identifier,
            call.opens_at,
            call.published_at,
            call.publication_state,
            call.updated_at,
            str(call.eligible_countries),
            sorted(call.themes.values_list("slug", flat=True)),
            sorted(call.applicant_types.values_list("code", flat=True)),
        )
        for call in Call.objects.order_by("slug")
    ]
    deadlines = list(
        Deadline.objects.order_by("pk").values_list("pk", "call_id", "due_at", "label")
    )
    return calls, deadlines, list(Programme.objects.order_by("pk").values_list())


def test_demo_has_about_60_calls_of_every_status_across_programmes():
    summary = demo.load()
    assert summary == {
        "programmes": len(written("real", "funding.Programme")),
        "calls": len(written("invented", "funding.Call")),
        "EU source queries": 1,
        "real EU topics": 6,
    }
    calls = Call.objects.filter(is_demo=True)
    assert 50 <= calls.count() == summary["calls"]
    assert all(call.is_demo for call in calls)
    statuses = Counter(call.status for call in Call.objects.published().with_status())
    assert statuses["open"] >= 15 and statuses["closed"] >= 10 and statuses["forthcoming"] >= 5
    assert Call.objects.filter(publication_state=Call.PublicationState.DRAFT).exists()
    two_stage = [call for call in calls.prefetch_related("deadlines") if len(call._deadlines()) > 1]
    assert len(two_stage) >= 3
    assert {p.level for p in Programme.objects.all()} == set(Programme.Level.values)


def test_demo_twice_on_the_same_day_changes_nothing():
    with time_machine.travel(datetime.datetime(2027, 3, 27, 23, 30, tzinfo=datetime.UTC)):
        demo.load()
        first = snapshot()
    with time_machine.travel(datetime.datetime(2027, 3, 28, 20, 0, tzinfo=datetime.UTC)):
        demo.load()  # the same day in Rome, across the DST change
        assert snapshot() == first


def test_demo_a_day_later_keeps_the_mix_of_statuses():
    demo.load()
    with time_machine.travel(timezone.now() + datetime.timedelta(days=1)):
        demo.load()
        assert Call.objects.filter(is_demo=True).count() == len(written("invented", "funding.Call"))
        assert Call.objects.published().open().count() >= 15


def test_demo_calls_show_a_demo_badge(client):
    demo.load()
    call = Call.objects.published().filter(is_demo=True).first()
    assert "Demo" in client.get(call.get_absolute_url()).content.decode()


def test_the_demo_holds_the_real_eu_topics_as_real_calls_claiming_no_check_date(client):
    demo.load()
    real = Call.objects.filter(is_demo=False)
    assert real.count() == 6 and all(call.provenance for call in real)
    assert set(real.values_list("publication_state", flat=True)) == {"published"}
    assert set(real.values_list("last_checked", flat=True)) == {None}
    soil = real.get(identifier="HORIZON-MISS-2027-05-SOIL-01-two-stage")
    assert soil.deadlines.count() == 2
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(soil.get_absolute_url()).content.decode()
    assert "EU Funding &amp; Tenders portal, saved copy of the published record" in page
    assert "checked on" not in page and 'text-bg-warning">Demo<' not in page
    demo.load()  # again: still six, nothing published twice
    assert Call.objects.filter(is_demo=False).count() == 6


def test_loading_the_demo_again_leaves_calls_the_daily_job_imported_alone():
    demo.load()
    fetched = Call.objects.get(identifier="HORIZON-CL4-2027-04-DIGITAL-EMERGING-10")
    other = CallFactory(source="EU Funding & Tenders portal", last_checked=timezone.localdate())
    CallProvenance.objects.create(
        call=other,
        source=CallProvenance.Source.EU_FUNDING_TENDERS,
        source_identifier=other.identifier,
        fetched_at=timezone.now(),
        checked_at=timezone.now(),
    )
    demo.load()
    other.refresh_from_db()
    assert other.source == "EU Funding & Tenders portal" and other.last_checked is not None
    fetched.refresh_from_db()
    assert fetched.last_checked is None

"""Stored matches: kept when inputs change, read the same everywhere, equal to the scorers."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from funding.alerts import match_cooperatives
from funding.matching import match_calls_for_cooperative
from funding.models import Call
from matches import readers
from matches.models import CallMatch, MatchRefresh, RequestMatch
from matches.services.call_matches import call_matches_refresh
from matches.services.processing import SWEEP_AFTER, refreshes_process, refreshes_sweep
from matches.services.rebuild import matches_rebuild
from members.models import Cooperative
from partnerships import matching
from partnerships.models import DismissedSuggestion, PartnershipRequest
from tests.funding.factories import ApplicantTypeFactory, CallFactory
from tests.members.factories import CooperativeFactory, division, theme
from tests.partnerships.factories import PartnershipRequestFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def settle():
    """What the worker does after commit (tests never commit)."""
    while refreshes_process():
        pass
    assert not MatchRefresh.objects.pending().exists()


def stamps(queryset):
    return dict(queryset.values_list("pk", "computed_at"))


@pytest.fixture
def world(coop, other_coop):
    coop.main_sector = division("62")
    coop.countries_of_interest = ["TN"]
    coop.save()
    coop.themes.set([theme("digital-transition")])
    other_coop.main_sector = division("10")
    other_coop.save()
    other_coop.themes.set([theme("housing")])
    calls = [
        CallFactory(
            sectors=[division("62")],
            themes=[theme("digital-transition")],
            applicant_types=[ApplicantTypeFactory(code="cooperative")],
            eligible_countries=["IT", "TN"],
        ),
        CallFactory(themes=[theme("digital-transition"), theme("housing")]),
        CallFactory(sectors=[division("10")]),
    ]
    requests = [
        PartnershipRequestFactory(owner=other_coop, sought_sectors=[division("62")]),
        PartnershipRequestFactory(owner=coop, sought_themes=[theme("housing")]),
        PartnershipRequestFactory(
            owner=CooperativeFactory(countries_of_interest=["TN"]), sought_countries=["TN"]
        ),
    ]
    settle()
    return {"calls": calls, "requests": requests}


def same(stored, live):
    return [(s.obj.pk, s.score, s.reasons) for s in stored] == [
        (s.obj.pk, s.score, s.reasons) for s in live
    ]


@pytest.mark.parametrize("language", ["it", "en"])
def test_stored_reads_equal_the_live_scorers(world, coop, other_coop, language):
    with translation.override(language):
        for cooperative in Cooperative.objects.all():
            stored = readers.calls_for_cooperative(cooperative, limit=None)
            live = match_calls_for_cooperative(cooperative)
            assert [(m.call.pk, m.score, m.reasons) for m in stored] == [
                (m.call.pk, m.score, m.reasons) for m in live
            ]
            assert same(
                readers.request_suggestions(cooperative),
                matching.requests_for_cooperative(cooperative),
            )
        for request in PartnershipRequest.objects.all():
            assert same(
                readers.candidates_for_request(request), matching.candidates_for_request(request)
            )
    assert CallMatch.objects.filter(cooperative=coop).count() == 2
    reasons = readers.calls_for_cooperative(coop)[0].reasons
    assert any("TN" not in r and ("Tunisia" in r or "Tunisia" in r) for r in reasons) or reasons


def test_the_demo_data_reads_the_same_stored_and_live():
    call_command("load_demo", "--allow-without-debug", stdout=io.StringIO())
    settle()
    assert CallMatch.objects.exists() and RequestMatch.objects.exists()
    for language in ("it", "en"):
        with translation.override(language):
            for cooperative in Cooperative.objects.active()[:15]:
                stored = readers.calls_for_cooperative(cooperative, limit=None)
                live = match_calls_for_cooperative(cooperative)
                assert [(m.call.pk, m.score, m.reasons) for m in stored] == [
                    (m.call.pk, m.score, m.reasons) for m in live
                ]
                assert same(
                    readers.request_suggestions(cooperative),
                    matching.requests_for_cooperative(cooperative),
                )


def test_a_call_edit_touches_only_that_calls_rows(world):
    first = world["calls"][0]
    others = stamps(CallMatch.objects.exclude(call=first))
    before = CallMatch.objects.filter(call=first).count()
    first.themes.add(theme("housing"))
    assert MatchRefresh.objects.pending().filter(kind="call", object_id=first.pk).exists()
    settle()
    assert stamps(CallMatch.objects.exclude(call=first)) == others
    assert CallMatch.objects.filter(call=first).count() == before + 1  # the housing coop too


def test_an_unpublished_call_loses_its_rows(world):
    call = world["calls"][0]
    call.publication_state = Call.PublicationState.DRAFT
    call.save()
    settle()
    assert not CallMatch.objects.filter(call=call).exists()


def test_a_profile_edit_touches_only_that_cooperatives_rows(world, coop, other_coop):
    others = stamps(CallMatch.objects.exclude(cooperative=coop))
    other_requests = stamps(RequestMatch.objects.exclude(cooperative=coop))
    coop.themes.set([theme("housing")])
    settle()
    assert stamps(CallMatch.objects.exclude(cooperative=coop)) == others
    # Only coop's own requests are re-scored for the others (their facts read the owner).
    own = set(PartnershipRequest.objects.filter(owner=coop).values_list("pk", flat=True))
    kept = stamps(RequestMatch.objects.exclude(cooperative=coop).exclude(request_id__in=own))
    assert kept == {pk: at for pk, at in other_requests.items() if pk in kept}
    assert len(kept) == len([pk for pk in other_requests if pk in kept]) > 0
    first, second = world["calls"][:2]
    stored = dict(CallMatch.objects.filter(cooperative=coop).values_list("call_id", "reasons"))
    assert set(stored) == {first.pk, second.pk}
    assert not any(kind == "call_theme" for kind, _params in stored[first.pk])


def test_a_project_recorded_adds_the_past_project_reason(world, coop, other_coop):
    request = world["requests"][0]  # other_coop's, fits coop
    ProjectFactory(acronym="AGRIVALUE", lead_cooperative=other_coop, cooperatives=[coop])
    assert MatchRefresh.objects.pending().filter(kind="request", object_id=request.pk).exists()
    settle()
    row = RequestMatch.objects.get(cooperative=coop, request=request)
    assert ["past_project", {"project": "AGRIVALUE"}] in row.reasons


def test_processing_twice_gives_the_same_rows(world):
    def calls():
        rows = CallMatch.objects.values_list("cooperative_id", "call_id", "score", "reasons")
        return sorted((*row[:3], repr(row[3])) for row in rows)

    before = calls()
    requests = set(RequestMatch.objects.values_list("cooperative_id", "request_id", "score"))
    matches_rebuild()
    matches_rebuild()
    for call in world["calls"]:
        call_matches_refresh(call)
    assert calls() == before
    assert set(RequestMatch.objects.values_list("cooperative_id", "request_id", "score")) == (
        requests
    )


def test_a_lost_task_is_recovered_by_the_sweep(world, coop):
    call = CallFactory(themes=[theme("digital-transition")])
    # The doorbell never rang (tests never commit): the sweep skips fresh rows, then finds it.
    assert refreshes_sweep() == 0
    MatchRefresh.objects.pending().update(created_at=call.created_at - SWEEP_AFTER * 2)
    assert refreshes_sweep() >= 1
    assert CallMatch.objects.filter(call=call, cooperative=coop).exists()


def test_a_page_is_right_before_the_worker_runs(client, world, coop, coop_viewer):
    call = CallFactory(title="Brand new call", themes=[theme("digital-transition")])
    client.force_login(coop_viewer)
    titles = [m.call.title for m in client.get(reverse("portal:dashboard")).context["matches"]]
    assert "Brand new call" in titles
    assert MatchRefresh.objects.pending().filter(kind="call", object_id=call.pk).exists()


def test_the_dashboard_hides_a_dismissed_call_and_shows_it_again(
    client, world, coop, coop_viewer, other_coop_admin
):
    call = world["calls"][0]
    client.force_login(coop_viewer)
    response = client.post(
        reverse("partnerships:dismiss"),
        {"target_type": "call", "target_id": call.pk, "cooperative": coop.pk, "next": "/portal/"},
    )
    assert response.status_code == 302
    context = client.get(reverse("portal:dashboard")).context
    assert call not in [m.call for m in context["matches"]]
    assert context["hidden_calls"] == [call]
    undo = {"target_type": "call", "target_id": call.pk, "cooperative": coop.pk}
    client.force_login(other_coop_admin)
    assert client.post(reverse("partnerships:undismiss"), undo).status_code == 404
    assert client.get(reverse("partnerships:undismiss")).status_code == 405
    client.force_login(coop_viewer)
    for bad in (
        {**undo, "target_id": "x"},
        {**undo, "target_id": "9" * 30},
        {**undo, "cooperative": "0"},
    ):
        assert client.post(reverse("partnerships:undismiss"), bad).status_code == 404
    assert (
        client.post(reverse("partnerships:undismiss"), {**undo, "target_type": "body"}).status_code
        == 400
    )
    assert client.post(reverse("partnerships:undismiss"), undo).status_code == 302
    assert call in [m.call for m in client.get(reverse("portal:dashboard")).context["matches"]]
    assert not DismissedSuggestion.objects.exists()


def test_alerts_and_digest_skip_dismissed_items(world, coop, coop_admin):
    call = world["calls"][0]
    assert call.pk in match_cooperatives([coop], Call.objects.filter(pk=call.pk))[coop.pk]
    matching.suggestion_dismiss(cooperative=coop, target_type="call", target_id=call.pk, by=None)
    assert match_cooperatives([coop], Call.objects.filter(pk=call.pk))[coop.pk] == set()
    request = world["requests"][0]
    assert (coop.pk, request.pk) in readers.request_matches_among([coop.pk], [request.pk])
    matching.suggestion_dismiss(
        cooperative=coop, target_type="request", target_id=request.pk, by=None
    )
    assert readers.request_matches_among([coop.pk], [request.pk]) == {}


def dashboard_queries(client, user):
    settle()
    client.force_login(user)
    client.get(reverse("portal:dashboard"))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("portal:dashboard")).status_code == 200
    return len(queries)


def suggestions_queries(client, user):
    client.get(reverse("partnerships:suggestions"))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("partnerships:suggestions")).status_code == 200
    return len(queries)


def test_query_counts_are_fixed_as_rows_grow(client, world, coop, coop_viewer):
    one_dashboard = dashboard_queries(client, coop_viewer)
    one_suggestions = suggestions_queries(client, coop_viewer)
    for _ in range(15):
        owner = CooperativeFactory(main_sector=division("62"))
        CallFactory(sectors=[division("62")], themes=[theme("digital-transition")])
        PartnershipRequestFactory(owner=owner, sought_sectors=[division("62")])
    many_dashboard = dashboard_queries(client, coop_viewer)
    many_suggestions = suggestions_queries(client, coop_viewer)
    assert len(readers.calls_for_cooperative(coop, limit=None)) > 10
    assert (many_dashboard, many_suggestions) == (one_dashboard, one_suggestions)

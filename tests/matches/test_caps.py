"""Only the best matches are kept: caps, entries, dismissals, both directions, fixed queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from funding.models import ApplicantType
from matches import engine, readers
from matches.models import CallMatch, MatchRefresh, RequestMatch
from matches.services.call_matches import call_matches_refresh
from matches.services.cooperative_matches import cooperative_matches_refresh
from matches.services.processing import refreshes_process
from matches.services.prune import matches_prune
from matches.services.rebuild import matches_rebuild
from matches.services.request_matches import request_matches_refresh
from partnerships import matching
from tests.funding.factories import ApplicantTypeFactory, CallFactory
from tests.members.factories import CooperativeFactory, division, theme
from tests.partnerships.factories import PartnershipRequestFactory

pytestmark = pytest.mark.django_db


def settle():
    while refreshes_process():
        pass


@pytest.fixture
def kept(monkeypatch):
    """Small caps, so a handful of rows exercises them."""

    def set_caps(calls=3, requests=3, candidates=3, shown=2):
        # The services read the caps from the engine when they run (`engine.CALLS_KEPT`).
        monkeypatch.setattr(engine, "CALLS_KEPT", calls)
        monkeypatch.setattr(engine, "REQUESTS_KEPT", requests)
        monkeypatch.setattr(engine, "CANDIDATES_KEPT", candidates)
        monkeypatch.setattr(engine, "SHOWN", shown)

    set_caps()
    return set_caps


@pytest.fixture
def ranked_calls(coop):
    """Five calls for coop, scores 6, 5, 3, 2, 2 (the last two tied: pk decides)."""
    coop.main_sector = division("62")
    coop.save()
    coop.themes.set([theme("digital-transition")])
    cooperative = ApplicantTypeFactory(code="cooperative")
    calls = [
        CallFactory(
            sectors=[division("62")],
            themes=[theme("digital-transition")],
            applicant_types=[cooperative],
        ),
        CallFactory(sectors=[division("62")], themes=[theme("digital-transition")]),
        CallFactory(sectors=[division("62")]),
        CallFactory(themes=[theme("digital-transition")]),
        CallFactory(themes=[theme("digital-transition")]),
    ]
    settle()
    return calls


def kept_calls(cooperative):
    return list(
        CallMatch.objects.filter(cooperative=cooperative)
        .order_by("-score", "call_id")
        .values_list("call_id", "score")
    )


def test_a_cooperative_stores_only_its_best_calls(kept, coop, ranked_calls):
    expected = [(call.pk, score) for call, score in zip(ranked_calls[:3], (6, 5, 3), strict=True)]
    assert kept_calls(coop) == expected
    matches_rebuild()
    assert kept_calls(coop) == expected
    # The live scorer ranks the same calls first, with the same scores.
    live = readers.calls_for_cooperative(coop, limit=None)
    assert [(m.call.pk, m.score) for m in live] == expected


def test_a_better_new_call_enters_and_the_worst_leaves(kept, coop, ranked_calls):
    better = CallFactory(
        sectors=[division("62")],
        themes=[theme("digital-transition")],
        applicant_types=[ApplicantType.objects.get(code="cooperative")],
    )
    settle()
    assert {pk for pk, _score in kept_calls(coop)} == {
        ranked_calls[0].pk,
        ranked_calls[1].pk,
        better.pk,
    }
    worse = CallFactory(themes=[theme("digital-transition")])
    settle()
    assert worse.pk not in dict(kept_calls(coop))
    assert len(kept_calls(coop)) == 3


def test_an_edit_lowering_a_kept_call_to_the_bottom_refreshes_the_cooperative(
    kept, coop, ranked_calls
):
    first = ranked_calls[0]
    first.sectors.set([])
    first.themes.set([theme("digital-transition")])
    first.applicant_types.set([])
    assert MatchRefresh.objects.pending().filter(kind="call", object_id=first.pk).exists()
    settle()
    # Score 2 now: below the third kept call (3), tied with two unkept ones; the cooperative
    # was refreshed, so the kept rows are exactly its best three again.
    assert kept_calls(coop) == [(ranked_calls[1].pk, 5), (ranked_calls[2].pk, 3), (first.pk, 2)]


def test_a_dismissal_below_what_a_page_shows_queues_a_refresh(
    kept, client, coop, coop_viewer, ranked_calls
):
    client.force_login(coop_viewer)
    target = ranked_calls[0]
    response = client.post(
        reverse("partnerships:dismiss"),
        {"target_type": "call", "target_id": target.pk, "cooperative": coop.pk},
    )
    assert response.status_code == 302
    # Two visible rows left, what a page shows (SHOWN = 2): no refresh yet.
    assert not MatchRefresh.objects.pending().filter(kind="cooperative").exists()
    second = ranked_calls[1]
    client.post(
        reverse("partnerships:dismiss"),
        {"target_type": "call", "target_id": second.pk, "cooperative": coop.pk},
    )
    assert MatchRefresh.objects.pending().filter(kind="cooperative", object_id=coop.pk).exists()
    settle()
    stored = [pk for pk, _score in kept_calls(coop)]
    assert target.pk not in stored and second.pk not in stored
    assert stored == [ranked_calls[2].pk, ranked_calls[3].pk, ranked_calls[4].pk]
    # Undo: the call is kept and shown again at once.
    matching.suggestion_undismiss(cooperative=coop, target_type="call", target_id=target.pk)
    assert target in [m.call for m in readers.calls_for_cooperative(coop)]
    # Bad input on the dismiss view stays a 4xx.
    for bad in ({"target_type": "call", "target_id": "9" * 30, "cooperative": coop.pk},):
        assert client.post(reverse("partnerships:dismiss"), bad).status_code in (400, 404)


def test_a_requests_best_candidates_are_kept_even_outside_their_tops(kept, coop):
    kept(requests=1, candidates=2)
    coop.main_sector = division("62")
    coop.save()
    coop.themes.set([theme("digital-transition")])
    owner = CooperativeFactory()
    strong = PartnershipRequestFactory(
        owner=owner, sought_sectors=[division("62")], sought_themes=[theme("digital-transition")]
    )
    weak = PartnershipRequestFactory(owner=owner, sought_themes=[theme("digital-transition")])
    settle()
    matches_rebuild()
    rows = {
        row.request_id: row for row in RequestMatch.objects.filter(cooperative=coop)
    }  # coop's top holds one request; the weak one keeps coop as a best candidate
    assert rows[strong.pk].in_cooperative_top and rows[strong.pk].in_request_top
    assert not rows[weak.pk].in_cooperative_top and rows[weak.pk].in_request_top
    assert [s.obj.pk for s in readers.request_suggestions(coop)][:1] == [strong.pk]
    assert coop in [s.obj for s in readers.cooperative_candidates(weak)]
    # The same after the scoped refreshes.
    request_matches_refresh(weak)
    cooperative_matches_refresh(coop)
    assert coop in [s.obj for s in readers.cooperative_candidates(weak)]
    assert RequestMatch.objects.filter(cooperative=coop, in_cooperative_top=True).count() == 1


def refresh_queries(function, *args):
    with CaptureQueriesContext(connection) as queries:
        function(*args)
    return len(queries)


def test_refresh_queries_do_not_grow_with_cooperatives_and_calls(coop, ranked_calls):
    request = PartnershipRequestFactory(owner=CooperativeFactory(), sought_sectors=[division("62")])
    settle()
    call = ranked_calls[0]
    few = (
        refresh_queries(call_matches_refresh, call),
        refresh_queries(cooperative_matches_refresh, coop),
        refresh_queries(request_matches_refresh, request),
    )
    for _ in range(12):
        CooperativeFactory(main_sector=division("62"), themes=[theme("digital-transition")])
        CallFactory(sectors=[division("62")], themes=[theme("digital-transition")])
        PartnershipRequestFactory(owner=CooperativeFactory(), sought_sectors=[division("62")])
    settle()
    many = (
        refresh_queries(call_matches_refresh, call),
        refresh_queries(cooperative_matches_refresh, coop),
        refresh_queries(request_matches_refresh, request),
    )
    assert many == few
    assert CallMatch.objects.filter(call=call).count() > 10


def test_the_daily_prune_drops_closed_rows_and_refills_short_lists(kept, coop, ranked_calls):
    from funding.models import Call

    closing = ranked_calls[:2]
    Call.objects.filter(pk__in=[c.pk for c in closing]).update(
        publication_state=Call.PublicationState.DRAFT
    )  # an update: no signal, as when time passes
    assert matches_prune()[0] == 2
    assert MatchRefresh.objects.pending().filter(kind="cooperative", object_id=coop.pk).exists()
    settle()
    assert [pk for pk, _score in kept_calls(coop)] == [c.pk for c in ranked_calls[2:]]

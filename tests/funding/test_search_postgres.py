"""Full-text search ranking on PostgreSQL (both databases: tests/funding/test_search.py)."""

import pytest
from django.db import connection

from funding.models import Call
from tests.funding.factories import CallFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="Full-text ranking needs PostgreSQL: run with DATABASE_URL=postgres://...",
    ),
]


@pytest.fixture
def calls():
    return {
        "title": CallFactory(
            slug="in-title",
            title="Renewable energy communities for cooperatives",
            summary="Support local generation.",
        ),
        "summary": CallFactory(
            slug="in-summary",
            title="Local development",
            summary="Projects on energy communities and housing.",
        ),
        "description": CallFactory(
            slug="in-description",
            title="Social innovation",
            summary="Inclusion.",
            description="Partners may include energy communities.",
        ),
        "unrelated": CallFactory(slug="unrelated", title="Cultural heritage", summary="Museums."),
        "italian": CallFactory(
            slug="italian",
            title="Bando per le comunità energetiche rinnovabili",
            summary="Contributi per impianti.",
            language="it",
        ),
    }


def test_search_vector_is_stored_on_save(calls):
    assert Call.objects.filter(search_vector__isnull=True).count() == 0


def test_title_matches_rank_above_summary_above_description(calls):
    ranked = list(Call.objects.search("energy communities").order_by("-rank"))
    assert [call.slug for call in ranked] == ["in-title", "in-summary", "in-description"]
    assert ranked[0].rank > ranked[1].rank > ranked[2].rank


def test_stemming_finds_other_word_forms(calls):
    assert [c.slug for c in Call.objects.search("community")] != []
    assert {c.slug for c in Call.objects.search("comunità energetica")} == {"italian"}


def test_identifier_search(calls):
    call = calls["unrelated"]
    assert [c.slug for c in Call.objects.search(call.identifier)] == ["unrelated"]


def test_catalogue_sorts_by_relevance_when_searching(client, calls):
    response = client.get("/calls/", {"q": "energy communities"})
    assert [c.slug for c in response.context["calls"]] == [
        "in-title",
        "in-summary",
        "in-description",
    ]


def test_search_vector_follows_edits(calls):
    call = calls["unrelated"]
    call.title = "Energy communities in museums"
    call.save()
    assert "unrelated" in {c.slug for c in Call.objects.search("energy communities")}


def test_gin_index_exists():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = 'funding_call' "
            "AND indexname = 'funding_call_search_vector_gin'"
        )
        (definition,) = cursor.fetchone()
    assert "gin" in definition.lower()

"""Call search behaves the same on SQLite (FTS5 of stems) and PostgreSQL (stored vectors).

Run on both: `pytest tests/funding/test_search.py` and again with DATABASE_URL=postgres://...
"""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from funding import search
from funding.alerts import match_queries
from funding.models import Call
from tests.funding.factories import CallFactory

pytestmark = pytest.mark.django_db

sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="the FTS5 index")


@pytest.fixture
def calls():
    return {
        "energy": CallFactory(
            slug="energy",
            identifier="HORIZON-CL5-2027-D3-01",
            title="Comunità energetiche rinnovabili per le cooperative",
            summary="Contributi per impianti di energia solare in Emilia-Romagna.",
            language="it",
        ),
        "tunisia": CallFactory(
            slug="tunisia",
            identifier="NDICI-MED-2027-TN",
            title="Social economy in Tunisia",
            summary="Partnerships between cooperatives of the two shores.",
            description="Italian and Tunisian organisations may apply together.",
        ),
        "heritage": CallFactory(
            slug="heritage",
            identifier="CREA-CULT-2027-COOP",
            title="Cultural heritage and museums",
            summary="Digital archives.",
        ),
    }


def found(text):
    return sorted(call.slug for call in Call.objects.search(text))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("energia", ["energy"]),
        ("cooperative energia", ["energy"]),
        ("energia cooperative", ["energy"]),  # words in any order
        ("Tunisia cooperative", ["tunisia"]),
        ("cooperative", ["energy", "tunisia"]),
        ("cooperativa", ["energy", "tunisia"]),  # another form of the word: its stem
        ("comunità energetica", ["energy"]),
        ("comunita energetiche", ["energy"]),  # without the accent
        ("museum", ["heritage"]),  # English stem of "museums"
        ("ENERGIA", ["energy"]),
        ("astronomy", []),
        ("energia astronomy", []),  # every word must be there
    ],
)
def test_words_and_stems_in_any_order(calls, text, expected):
    assert found(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("NDICI-MED-2027-TN", ["tunisia"]),
        ("ndici-med-2027-tn", ["tunisia"]),
        ("CREA-CULT-2027-COOP", ["heritage"]),
        ("HORIZON-CL5", ["energy"]),  # the start of an identifier
    ],
)
def test_identifier(calls, text, expected):
    assert found(text) == expected


def test_an_exact_identifier_ranks_first(calls):
    CallFactory(slug="mentions", title="About NDICI-MED-2027-TN and others", identifier="X-1")
    ranked = list(Call.objects.search("NDICI-MED-2027-TN").order_by("-rank"))
    assert [call.slug for call in ranked][:1] == ["tunisia"]


def test_title_ranks_above_summary_above_description():
    CallFactory(slug="in-description", title="Other", summary="Other.", description="Bees.")
    CallFactory(slug="in-summary", title="Other", summary="Bees and honey.")
    CallFactory(slug="in-title", title="Bees for cooperatives", summary="Other.")
    ranked = list(Call.objects.search("bees").order_by("-rank"))
    assert [call.slug for call in ranked] == ["in-title", "in-summary", "in-description"]
    assert ranked[0].rank > ranked[1].rank > ranked[2].rank


MALICIOUS = [
    '"',
    '"energia',
    "energia*",
    "*",
    "-energia",
    "NOT energia",
    "energia OR",
    "AND",
    "NEAR(energia cooperative)",
    "title:energia",
    "{title summary}: energia",
    "^energia",
    "((((",
    "energia)",
    "'; DROP TABLE funding_call; --",
    "%_%",
    "\\",
    "energia\x00cooperative",
    "energia " * 300,
    "x" * 5000,
    "\u202eenergia",
    "🙂 energia",
]


@pytest.mark.parametrize("text", MALICIOUS)
def test_user_text_never_breaks_the_query(calls, text):
    assert set(found(text)) <= {"energy", "tunisia", "heritage"}
    assert Call.objects.count() == 3


@pytest.mark.parametrize("text", MALICIOUS[:-4])
def test_catalogue_search_with_odd_text_is_a_page(client, calls, text):
    response = client.get("/calls/", {"q": text})
    assert response.status_code in (200, 400)


def test_no_word_at_all_matches_nothing(calls):
    assert found("*** --- ???") == []
    assert found("") == ["energy", "heritage", "tunisia"]  # no search: everything


def test_catalogue_finds_words_in_any_order_and_sorts_by_relevance(client, calls):
    response = client.get("/calls/", {"q": "cooperative energia"})
    assert [call.slug for call in response.context["calls"]] == ["energy"]
    response = client.get("/calls/", {"q": "Tunisia cooperative", "status": "open"})
    assert [call.slug for call in response.context["calls"]] == ["tunisia"]


def test_the_index_follows_edits_deletes_and_bulk_writes(calls):
    heritage = calls["heritage"]
    heritage.title = "Cooperative museums"
    heritage.save()
    assert found("museum cooperativa") == ["heritage"]
    calls["tunisia"].delete()
    assert found("Tunisia") == []
    Call.objects.filter(slug="energy").update(summary="Pannelli fotovoltaici.")
    assert found("fotovoltaico") == ["energy"]
    assert found("solare") == []
    [bulk] = Call.objects.bulk_create(
        [Call(programme=heritage.programme, identifier="B-1", slug="bulk", title="Olive oil")]
    )
    assert found("olive") == ["bulk"]
    bulk.title = "Wine"
    Call.objects.bulk_update([bulk], ["title"])
    assert found("wine") == ["bulk"]


def test_a_save_of_other_fields_does_not_reindex(calls):
    with CaptureQueriesContext(connection) as queries:
        calls["energy"].save(update_fields=["publication_state"])
    sql = " ".join(query["sql"] for query in queries.captured_queries)
    assert search.TABLE not in sql and "search_vector" not in sql
    with CaptureQueriesContext(connection) as queries:
        calls["energy"].save(update_fields=["title"])
    sql = " ".join(query["sql"] for query in queries.captured_queries)
    assert search.TABLE in sql or "search_vector" in sql


@sqlite_only
def test_rebuild_indexes_every_call_again(calls):
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {search.TABLE}")
    assert found("energia") == []
    assert search.rebuild() == 3
    assert found("energia") == ["energy"]


@sqlite_only
def test_a_call_deleted_by_raw_sql_leaves_the_index_too(calls):
    pk = calls["tunisia"].pk
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM funding_deadline WHERE call_id = %s", [pk])
        cursor.execute("DELETE FROM funding_call WHERE id = %s", [pk])
        cursor.execute(f"SELECT count(*) FROM {search.TABLE} WHERE rowid = %s", [pk])
        assert cursor.fetchone() == (0,)


def test_match_expression_quotes_every_stem():
    expression = search.match_expression('NEAR("a" b*) cooperativa')
    assert expression == '("near") AND ("cooper" OR "cooperativa" OR "cooper" *)'
    assert search.match_expression("*** !!!") is None
    # Only stop words: they are searched rather than nothing.
    assert search.match_expression("per le") == '("per") AND ("le")'
    assert search.match_expression("l'arte") == '("art" OR "arte")'  # short root: whole
    assert search.tsquery_text("energia & ! <-> :*") == "(energ | energia | energ:*)"


def test_a_word_finds_the_other_words_of_its_root():
    CallFactory(slug="english", title="Energy communities", summary="Solar power.")
    CallFactory(slug="italian", title="Comunità energetiche", summary="Impianti.", language="it")
    CallFactory(slug="art", title="Artificial intelligence", summary="Models.")
    assert found("energia") == ["english", "italian"]
    assert found("energetica") == ["italian"]
    assert found("l'energia delle comunità") == ["italian"]
    assert found("arte") == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's GIN index")
def test_postgresql_uses_the_gin_index_for_a_rare_word(calls):
    """With the identifier as its own indexed condition, the OR no longer forces a scan."""
    calls = Call.objects.search("heritage").values("pk")
    sql, params = calls.query.sql_with_params()
    with connection.cursor() as cursor:
        # A three-row table is cheapest to scan: forbid that to see what the plan can use.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "funding_call_search_vector_gin" in plan, plan
    assert "funding_call_identifier_upper" in plan, plan
    assert "Seq Scan" not in plan, plan


def test_refresh_command_rebuilds_the_search_index(calls):
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"DELETE FROM {search.TABLE}")
        else:
            cursor.execute("UPDATE funding_call SET search_vector = NULL")
    assert found("energia") == []
    call_command("refresh_call_deadlines", "--search", stdout=io.StringIO())
    assert found("energia") == ["energy"]
    assert found("Tunisia cooperative") == ["tunisia"]


def test_saved_search_alerts_match_with_the_same_search(calls):
    """Alerts evaluate many searches in one UNION: the search must compose into it."""
    queries = ["q=cooperative+energia", "q=Tunisia&status=open", "q=astronomy", "q=%2A"]
    matched = match_queries(queries, Call.objects.published())
    by_slug = {
        query: sorted(Call.objects.get(pk=pk).slug for pk in pks) for query, pks in matched.items()
    }
    assert by_slug == {
        "q=cooperative+energia": ["energy"],
        "q=Tunisia&status=open": ["tunisia"],
        "q=astronomy": [],
        "q=%2A": [],
    }

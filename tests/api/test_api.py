"""The public read API: anonymous, read-only, rate-limited, CORS for GET, cached, bilingual,
bad input a 4xx, a fixed number of queries, and a valid OpenAPI description."""

import json

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from drf_spectacular.validation import validate_schema

from funding.models import Call, Deadline
from tests.api.conftest import DAY, NOW
from tests.funding.factories import CallFactory, ProgrammeFactory, ThemeFactory, brussels

pytestmark = pytest.mark.django_db

API = reverse("api:call-list")


def detail(slug):
    return reverse("api:call-detail", kwargs={"slug": slug})


# --- What a call looks like -------------------------------------------------------------


def test_a_call_carries_what_a_re_user_needs(client, now):
    programme = ProgrammeFactory(acronym="LIFE", name="LIFE Programme", level="eu")
    call = CallFactory(
        slug="life-water",
        identifier="LIFE-2027-WATER",
        title="Water resilience",
        programme=programme,
        themes=[ThemeFactory(slug="water")],
        total_budget=2_500_000,
        eligible_countries=["IT", "FR"],
        official_url="https://ec.europa.eu/topic/LIFE-2027-WATER",
        source="EU Funding & Tenders portal",
        last_checked=NOW.date(),
        deadlines=[brussels(2027, 4, 17), brussels(2027, 9, 2)],
    )
    Deadline.objects.filter(call=call, due_at=brussels(2027, 9, 2)).update(time_zone="UTC")
    body = client.get(detail("life-water")).json()
    assert body["identifier"] == "LIFE-2027-WATER" and body["title"] == "Water resilience"
    assert body["programme"]["acronym"] == "LIFE" and body["programme"]["level"] == "eu"
    assert body["status"] == "open" and body["total_budget"] == 2_500_000
    # Deadlines: ISO 8601 with the offset of the zone they are announced in, and its name.
    assert body["deadlines"] == [
        {"due_at": "2027-04-17T17:00:00+02:00", "time_zone": "Europe/Brussels", "label": "Stage 1"},
        {"due_at": "2027-09-02T15:00:00+00:00", "time_zone": "UTC", "label": "Stage 2"},
    ]
    assert body["next_deadline"] == body["deadlines"][0]
    assert body["url"] == "http://testserver/calls/life-water/"
    assert body["official_url"] == call.official_url
    assert body["eligible_countries"] == ["FR", "IT"]
    assert body["themes"][0]["slug"] == "water"
    assert body["source"] == "EU Funding & Tenders portal"
    assert body["last_checked"] == "2027-01-15"
    assert "description" in body
    listed = client.get(API).json()["results"][0]
    assert "description" not in listed and listed["deadlines"] == body["deadlines"]


def test_a_demo_call_claims_no_source(client, now):
    CallFactory(slug="demo", is_demo=True, source="Made up", last_checked=NOW.date())
    body = client.get(detail("demo")).json()
    assert body["is_demo"] is True and body["source"] is None and body["last_checked"] is None


def test_a_closed_stage_moves_the_next_deadline_on(client, now):
    CallFactory(slug="two", opens_at=NOW - 60 * DAY, deadlines=[NOW - DAY, NOW + 9 * DAY])
    body = client.get(detail("two")).json()
    assert body["next_deadline"] == body["deadlines"][1]


# --- Who may read, and what ---------------------------------------------------------------


def test_no_sign_in_is_needed_and_drafts_never_show(client, staff_client, catalogue):
    for who in (client, staff_client):  # staff see drafts on the portal, never in the API
        cache.clear()
        body = who.get(API, {"page_size": 100}).json()
        identifiers = {call["identifier"] for call in body["results"]}
        assert len(identifiers) == 27
        assert not identifiers & {"HIDDEN-draft", "HIDDEN-archived"}
        assert who.get(detail("call-00")).status_code == 200
        assert who.get(detail("draft")).status_code == 404
        assert who.get(detail("archived")).status_code == 404
        assert who.get(detail("no-such-call")).status_code == 404


def test_programmes_are_listed_with_the_id_the_filter_takes(client, catalogue):
    body = client.get(reverse("api:programme-list")).json()
    horizon = next(p for p in body["results"] if p["acronym"] == "HORIZON")
    calls = client.get(API, {"programme": horizon["id"], "page_size": 100}).json()["results"]
    assert calls and {call["programme"]["acronym"] for call in calls} == {"HORIZON"}


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_writes_are_refused(client, now, method):
    call = CallFactory(slug="x")
    for url in (API, detail("x"), reverse("api:programme-list")):
        assert getattr(client, method)(url, {}, content_type="application/json").status_code == 405
    assert Call.objects.get(pk=call.pk).title == call.title


def test_options_describes_and_head_answers(client, now):
    CallFactory(slug="x")
    assert client.options(API).status_code == 200
    assert client.head(API).status_code == 200


# --- Rate limit, CORS, caching ----------------------------------------------------------


def test_over_the_rate_is_429_with_retry_after(client, now, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"public_api": "3/min"},
    }
    CallFactory(slug="x")
    assert [client.get(API).status_code for _ in range(3)] == [200, 200, 200]
    response = client.get(detail("x"))
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    # A forged X-Forwarded-For is no way out: with no proxy declared, the header is ignored.
    assert client.get(API, HTTP_X_FORWARDED_FOR="198.51.100.9").status_code == 429
    # Another address has its own count.
    assert client.get(API, REMOTE_ADDR="192.0.2.7").status_code == 200


def test_behind_a_proxy_the_rate_counts_per_client(client, now, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"public_api": "2/min"},
        "NUM_PROXIES": 1,
    }
    CallFactory(slug="x")
    first = {"HTTP_X_FORWARDED_FOR": "198.51.100.9"}
    assert [client.get(API, **first).status_code for _ in range(3)] == [200, 200, 429]
    assert client.get(API, HTTP_X_FORWARDED_FOR="198.51.100.10").status_code == 200


def test_any_origin_may_read_with_get_and_nothing_else(client, now):
    CallFactory(slug="x")
    origin = {"HTTP_ORIGIN": "https://reuser.example"}
    response = client.get(API, **origin)
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response
    preflight = client.options(API, HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET", **origin)
    assert preflight.status_code == 200
    allowed = {m.strip() for m in preflight["Access-Control-Allow-Methods"].split(",")}
    assert allowed == {"GET", "HEAD", "OPTIONS"}
    # The portal's pages give no CORS header.
    assert "Access-Control-Allow-Origin" not in client.get("/calls/", **origin)


def test_answers_are_cacheable_and_a_change_shows_at_once(client, now):
    call = CallFactory(slug="x", title="Old title")
    response = client.get(detail("x"))
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert cache_control == {"public", "max-age=60"}
    assert "Accept-Language" in response["Vary"]
    assert client.get(API).json()["results"][0]["title"] == "Old title"
    call.title = "New title"
    call.save()  # replaces the catalogue's version token: nothing kept is served
    assert client.get(API).json()["results"][0]["title"] == "New title"
    assert client.get(detail("x")).json()["title"] == "New title"
    assert "public" not in client.get(detail("gone")).get("Cache-Control", "")


# --- Languages ------------------------------------------------------------------------------


def test_the_readers_language_is_honoured(client, now):
    CallFactory(slug="x", themes=[ThemeFactory(slug="green")])
    italian = client.get(detail("x"))
    assert italian["Content-Language"] == "it"
    assert italian.json()["status_label"] == "Aperto"
    assert italian.json()["themes"][0]["name"] == "Tema green"
    english = client.get(detail("x"), HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.8")
    assert english["Content-Language"] == "en"
    assert english.json()["status_label"] == "Open"
    assert english.json()["themes"][0]["name"] == "Theme green"
    assert english.json()["programme"]["level_label"] == "European Union"
    # The portal's language cookie wins over the header, as on the pages.
    client.cookies["innovacoop_language"] = "it"
    cookie = client.get(API, HTTP_ACCEPT_LANGUAGE="en")
    assert cookie["Content-Language"] == "it"
    assert cookie.json()["results"][0]["status_label"] == "Aperto"
    errors = client.get(API, {"budget_min": "x"}, HTTP_ACCEPT_LANGUAGE="en")
    assert errors.status_code == 400


def test_filter_errors_are_a_400_in_the_readers_language(client, now):
    client.cookies["innovacoop_language"] = "en"
    response = client.get(
        API, {"budget_min": "abc", "deadline_from": "2027-02-01", "deadline_to": "2027-01-01"}
    )
    assert response.status_code == 400
    body = response.json()
    assert body["budget_min"] == ["Enter a number."]
    assert body["deadline_to"] == ["The end of the deadline range is before its start."]


# --- Bad input ------------------------------------------------------------------------------

BAD_QUERIES = [
    "q=a%00b",
    "budget_min=" + "9" * 40,
    "budget_max=-5",
    "budget_min=1e400",
    "budget_min=NaN",
    "deadline_from=99999-01-01",
    "deadline_from=1000-01-01",
    "deadline_to=not-a-date",
    "programme=abc",
    "programme=" + "9" * 30,
    "programme=-1",
    "theme=no-such-theme",
    "sector=ZZ",
    "country=XX",
    "status=everything",
    "sort=random",
    "consortium=maybe",
    "q=" + "x" * 5000,
    "page=999999999999",
    "page=" + "9" * 60,
    "page=0",
    "page=-3",
    "page=x",
    "page=1&page=999",
    "page_size=" + "9" * 60,
    "page_size=-1",
    "page_size=0",
    "page_size=abc",
    "page_size=1000000",
    "level=eu&level=eu&level=eu",
    "status=" + "&status=".join(["open"] * 300),
    "%FF%FE=%FF",
]


@pytest.mark.parametrize("query", BAD_QUERIES)
def test_bad_input_is_a_4xx_never_a_500(client, now, query, generous_rate):
    CallFactory(slug="x")
    client.raise_request_exception = False
    for url in (API, reverse("api:programme-list")):
        status = client.get(f"{url}?{query}").status_code
        assert status == 200 or 400 <= status < 500, (url, query, status)


def test_page_size_is_capped(client, catalogue):
    body = client.get(API, {"page_size": 100000}).json()
    assert len(body["results"]) == 27
    cache.clear()
    CallFactory.create_batch(110)
    cache.clear()
    assert len(client.get(API, {"page_size": 100000}).json()["results"]) == 100


def test_a_page_past_the_end_is_a_404(client, catalogue):
    assert client.get(API, {"page": 3}).status_code == 404
    assert client.get(API, {"page": 2}).status_code == 200


# --- Queries ----------------------------------------------------------------------------------


def count_queries(client, query):
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(API, query).status_code == 200
    return len(queries)


def test_the_number_of_queries_does_not_grow_with_the_calls(client, catalogue):
    query = {"page_size": 100, "theme": ["green-circular-economy", "digital-transition"]}
    few = count_queries(client, query)
    programme = catalogue["programmes"][0]
    themes = catalogue["calls"][2].themes.all()
    for _ in range(30):
        CallFactory(
            programme=programme, themes=list(themes), deadlines=[NOW + 3 * DAY, NOW + 9 * DAY]
        )
    many = count_queries(client, query)
    assert many == few
    assert few <= 8


def test_the_list_stays_within_its_query_budget(client, catalogue, django_assert_max_num_queries):
    cache.clear()
    with django_assert_max_num_queries(8):
        client.get(API, {"page_size": 100})


# --- The OpenAPI description -------------------------------------------------------------


def test_the_schema_is_served_and_valid(client):
    response = client.get(reverse("api:schema"), {"format": "json"})
    assert response.status_code == 200
    schema = json.loads(response.content)
    validate_schema(schema)  # raises on an invalid OpenAPI 3 document
    assert {"/api/v1/calls/", "/api/v1/calls/{slug}/", "/api/v1/programmes/"} <= set(
        schema["paths"]
    )
    parameters = {p["name"] for p in schema["paths"]["/api/v1/calls/"]["get"]["parameters"]}
    assert {"q", "programme", "level", "theme", "sector", "country", "applicant"} <= parameters
    assert {"status", "deadline_from", "budget_min", "consortium", "sort"} <= parameters
    assert {"page", "page_size"} <= parameters
    yaml = client.get(reverse("api:schema"))
    assert yaml.status_code == 200 and b"openapi: 3" in yaml.content


def test_the_schema_generates_without_warnings(tmp_path):
    # --fail-on-warn: a filter or field whose type the generator had to guess fails here.
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml")
    )


def test_the_docs_page_loads_only_the_portals_own_files(client):
    """Swagger UI from static/ (drf-spectacular-sidecar), its set-up script a file of its own:
    nothing inline for the CSP to block, nothing from a CDN."""
    response = client.get(reverse("api:schema-docs"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<style" not in html and "<script>" not in html
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "https://" not in html and "http://" not in html
    assert "script-src 'self'" in response["Content-Security-Policy"]
    script = client.get(reverse("api:schema-docs"), {"script": ""})
    assert script.status_code == 200 and b"SwaggerUIBundle" in script.content
    assert reverse("api:schema").encode() in script.content

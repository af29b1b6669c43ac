"""Issue 13's key pages: the work they do (queries) does not grow with the rows stored.

Each page is requested once with a little data and once with much more of everything it
could read (cooperatives, calls with deadlines, requests with interests, startups, bodies);
the number of queries must be the same. Times are measured by the benchmark, never here.
"""

import datetime
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from funding.models import ApplicantType
from partnerships.filters import CALL_OPTIONS
from tests.funding.factories import CallFactory
from tests.members.factories import AssociationFactory, CooperativeFactory, theme
from tests.networks.factories import BodyFactory, BodyFigureFactory
from tests.partnerships.factories import ExpressionOfInterestFactory, PartnershipRequestFactory
from tests.startups.factories import StartupFactory

pytestmark = pytest.mark.django_db

ASSOCIATION = "legacoop-bologna-test"
_serial = itertools.count()


def grow(count):
    """Add `count` rows of each kind the pages read, related as the real data is."""
    association = AssociationFactory(slug=ASSOCIATION, name="Legacoop Bologna Test")
    kinds = list(ApplicantType.objects.all())
    now = timezone.now()
    for _ in range(count):
        n = next(_serial)
        cooperative = CooperativeFactory(associations=[association], themes=[theme()])
        call = CallFactory(
            themes=[theme()],
            applicant_types=kinds[: n % 3 + 1],
            eligible_countries=["IT", "FR"] if n % 2 else [],
            deadlines=[
                now + datetime.timedelta(days=n % 40 + 1),
                now + datetime.timedelta(days=90),
            ],
        )
        request = PartnershipRequestFactory(owner=cooperative, call=call, sought_themes=[theme()])
        ExpressionOfInterestFactory(request=request)
        StartupFactory(themes=[theme()], parent_cooperative=cooperative)
        BodyFigureFactory(body=BodyFactory())


def queries(client, url):
    client.get(url)  # warm up what is cached per process (content types, the site)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def first_call_url():
    from funding.models import Call

    return Call.objects.order_by("pk").first().get_absolute_url()


def first_cooperative_url():
    from members.models import Cooperative

    return Cooperative.objects.order_by("pk").first().get_absolute_url()


PAGES = [
    ("anonymous", "/"),
    ("member", "/"),
    ("anonymous", f"/members/?association={ASSOCIATION}"),
    ("anonymous", "/members/"),
    ("anonymous", f"/members/associations/{ASSOCIATION}/"),
    ("member", "/startups/"),
    ("anonymous", "/networks/"),
    ("member", "/partnerships/"),
    ("member", "/partnerships/?q=partner&kind=technology_request"),
    ("member", first_call_url),
    ("anonymous", first_call_url),
    ("member", first_cooperative_url),
    ("staff", "/admin/funding/call/"),
    ("staff", "/admin/members/cooperative/"),
    ("anonymous", "/calls/feed.rss"),
    ("anonymous", "/calls/feed.ics"),
]


@pytest.mark.parametrize(("persona", "page"), PAGES, ids=lambda p: getattr(p, "__name__", p))
def test_a_page_does_the_same_queries_with_more_rows(
    client, persona, page, coop_viewer, staff_user
):
    if persona == "member":
        client.force_login(coop_viewer)
    elif persona == "staff":
        client.force_login(staff_user)
    grow(2)
    url = page() if callable(page) else page
    few = queries(client, url)
    grow(25)
    from django.core.cache import cache

    cache.clear()  # the feeds: measure a rendering, not a cache hit
    many = queries(client, url)
    assert few == many, f"{url}: {few} queries with few rows, {many} with many"


# --- /partnerships/: the call filter ----------------------------------------------------


def test_the_call_filter_is_a_search_box_with_a_few_suggestions(client, coop_viewer):
    grow(CALL_OPTIONS + 5)
    client.force_login(coop_viewer)
    with CaptureQueriesContext(connection) as captured:
        content = client.get("/partnerships/").content.decode()
    assert '<select name="call"' not in content
    assert 'list="request-call-options"' in content
    datalist = content.split('data-testid="call-options">')[1].split("</datalist>")[0]
    assert datalist.count("<option") == CALL_OPTIONS
    # No call is read whole for the suggestions: neither description nor search index.
    suggestions = [q["sql"] for q in captured if 'FROM "funding_call"' in q["sql"]]
    assert suggestions and all('"description"' not in sql for sql in suggestions)


def test_the_call_filter_takes_a_slug_an_identifier_or_words_of_the_title(client, coop_viewer):
    call = CallFactory(slug="horizon-food", identifier="HORIZON-CL6-2027-01", title="Food chains")
    food = PartnershipRequestFactory(call=call, title="Per il bando del cibo")
    PartnershipRequestFactory(call=CallFactory(title="Other things"), title="Altro")
    PartnershipRequestFactory(title="Senza bando")
    client.force_login(coop_viewer)
    for value in ("horizon-food", "horizon-cl6-2027-01", "food", "FOOD chains"):
        response = client.get("/partnerships/", {"call": value})
        assert [r.pk for r in response.context["requests"]] == [food.pk], value
    assert list(client.get("/partnerships/", {"call": "nothing"}).context["requests"]) == []


@pytest.mark.parametrize("value", ["x" * 5000, "%", "_", "' OR 1=1 --", "\u202e"])
def test_odd_call_filter_values_are_no_error(client, coop_viewer, value):
    client.force_login(coop_viewer)
    response = client.get("/partnerships/", {"call": value})
    assert response.status_code == 200


def test_the_interest_count_is_each_requests_own(client, coop_viewer):
    busy = PartnershipRequestFactory(title="Molto richiesta")
    ExpressionOfInterestFactory.create_batch(3, request=busy)
    quiet = PartnershipRequestFactory(title="Nessuno")
    client.force_login(coop_viewer)
    counts = {r.pk: r.interest_count for r in client.get("/partnerships/").context["requests"]}
    assert counts == {busy.pk: 3, quiet.pk: 0}


# --- Admin change lists -------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/admin/funding/call/", "/admin/members/cooperative/"])
def test_admin_change_lists_skip_the_full_count_and_page_by_fifty(staff_client, url):
    grow(3)
    response = staff_client.get(url)
    changelist = response.context["cl"]
    assert changelist.show_full_result_count is False
    assert changelist.list_per_page == 50
    assert changelist.result_count == changelist.model.objects.count()


def test_the_call_change_list_reads_no_long_text_but_the_form_does(staff_client):
    grow(2)
    with CaptureQueriesContext(connection) as captured:
        staff_client.get("/admin/funding/call/")
    rows = [q["sql"] for q in captured if q["sql"].startswith('SELECT "funding_call"."id"')]
    assert rows and all('"funding_call"."description"' not in sql for sql in rows)
    from funding.models import Call

    call = Call.objects.order_by("pk").first()
    call.description = "Il testo lungo del bando."
    call.save()
    form = staff_client.get(f"/admin/funding/call/{call.pk}/change/")
    assert "Il testo lungo del bando." in form.content.decode()

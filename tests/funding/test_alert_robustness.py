"""One bad saved search must not stop anyone else's alerts; saving filters validates them and
saving the same filters twice keeps one alert."""

import logging
from urllib.parse import urlencode

import pytest
from django.db import IntegrityError, transaction
from django.db.models.query import QuerySet
from django.urls import reverse
from django.utils.html import escape

from core.models import Delivery
from funding import alerts, services
from funding.alerts import criteria, searches
from funding.filters import CallFilterSet
from funding.models import AlertDispatch, Call, SavedSearch
from funding.tasks import send_digests
from tests.core.factories import UserFactory
from tests.funding.factories import CallFactory, ThemeFactory

pytestmark = pytest.mark.django_db

HUGE_PROGRAMME = "programme=99999999999999999999"  # the query the outside test saved


@pytest.fixture
def food():
    return ThemeFactory(slug="food-robust", name_en="Food", name_it="Cibo")


@pytest.fixture
def exploding_search(monkeypatch):
    """`q=explode-python` raises while the selection is built, `q=explode-sql` makes a
    statement the database refuses (on PostgreSQL that aborts the transaction): two ways a
    query can fail that no validation of today foresees."""
    original = CallFilterSet.filter_search

    def filter_search(self, queryset, name, value):
        if value == "explode-python":
            raise RuntimeError("a filter bug")
        if value == "explode-sql":
            return queryset.extra(where=["no_such_column_anywhere = 1"])
        return original(self, queryset, name, value)

    monkeypatch.setattr(CallFilterSet, "filter_search", filter_search)


def bad_row(query, frequency):
    """A saved search written straight to the database, as validation would never allow."""
    return SavedSearch.objects.create(
        user=UserFactory(), name="Bad", query=query, frequency=frequency
    )


def good_search(frequency, food):
    user = UserFactory()
    SavedSearch.objects.create(
        user=user, name="Food", query=urlencode({"theme": food.slug}), frequency=frequency
    )
    return user


BAD_QUERIES = [HUGE_PROGRAMME, "q=explode-python", "q=explode-sql"]


# --- Saving validates the filters --------------------------------------------------------


@pytest.mark.parametrize(
    "query", [HUGE_PROGRAMME, "programme=abc", "theme=no-such-theme", "budget_min=-5"]
)
def test_saving_malformed_filters_is_a_form_error_and_saves_nothing(
    client, signed_in_outsider, query
):
    client.force_login(signed_in_outsider)
    response = client.post(
        reverse("alerts:create"), {"name": "Broken", "frequency": "instant", "query": query}
    )
    assert response.status_code == 400
    errors = response.context["form"].non_field_errors()
    assert errors
    assert escape(errors[0]) in response.content.decode()  # shown on the form
    assert not SavedSearch.objects.exists()


def test_the_service_refuses_filters_the_database_refuses(signed_in_outsider, exploding_search):
    for query in ("q=explode-python", "q=explode-sql"):
        with pytest.raises(alerts.ValidationError):
            alerts.saved_search_create(
                user=signed_in_outsider, name="Bad", query=query, frequency="daily"
            )
    assert not SavedSearch.objects.exists()


# --- Matching isolates a query that raises -----------------------------------------------


@pytest.mark.parametrize("bad_query", BAD_QUERIES)
def test_one_bad_query_does_not_stop_the_instant_alerts_of_others(
    bad_query, food, exploding_search, django_capture_on_commit_callbacks, caplog
):
    bad = bad_row(bad_query, "instant")
    people = [good_search("instant", food) for _ in range(3)]
    call = CallFactory(publication_state=Call.PublicationState.DRAFT, themes=[food])
    with (
        caplog.at_level(logging.WARNING, logger="funding.alerts"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.calls_publish(calls=Call.objects.filter(pk=call.pk))
    keys = set(Delivery.objects.values_list("key", flat=True))
    assert {alerts.call_alert_key(person.pk, call.pk) for person in people} <= keys
    assert AlertDispatch.objects.get(call=call).failed_at is None
    if bad_query != HUGE_PROGRAMME:  # that one may become a plain validation error
        assert f"saved search(es) {bad.pk}" in caplog.text


@pytest.mark.parametrize("bad_query", BAD_QUERIES)
def test_one_bad_query_does_not_stop_the_daily_digest_of_others(
    bad_query, food, exploding_search, django_capture_on_commit_callbacks
):
    bad_row(bad_query, "daily")
    people = [good_search("daily", food) for _ in range(3)]
    CallFactory(themes=[food], title="Food for the digest")
    with django_capture_on_commit_callbacks(execute=True):
        send_digests.delay("daily")
    digests = Delivery.objects.filter(kind="digest-daily")
    assert sorted(digests.values_list("to_email", flat=True)) == sorted(p.email for p in people)


def test_a_bad_query_among_many_leaves_the_others_of_its_batch_matched(
    food, exploding_search, monkeypatch
):
    monkeypatch.setattr(criteria, "MATCH_CHUNK", 3)
    call = CallFactory(themes=[food])
    queries = [urlencode({"theme": food.slug}), "q=explode-sql", "", "q=explode-python", "q=x"]
    found = alerts.match_queries(queries, Call.objects.filter(pk=call.pk))
    assert found == {
        queries[0]: {call.pk},
        "q=explode-sql": None,
        "": {call.pk},
        "q=explode-python": None,
        "q=x": set(),
    }


def test_matching_inside_a_transaction_leaves_it_usable(food, exploding_search):
    call = CallFactory(themes=[food])
    with transaction.atomic():
        found = alerts.match_queries(
            ["q=explode-sql", f"theme={food.slug}"], Call.objects.filter(pk=call.pk)
        )
        assert Call.objects.filter(pk=call.pk).exists()  # PostgreSQL: not aborted
    assert found == {"q=explode-sql": None, f"theme={food.slug}": {call.pk}}


def test_the_alert_list_shows_a_bad_search_as_broken(client, signed_in_outsider, exploding_search):
    SavedSearch.objects.create(user=signed_in_outsider, name="Bad one", query="q=explode-sql")
    client.force_login(signed_in_outsider)
    response = client.get(reverse("alerts:list"))
    assert response.status_code == 200
    [search] = response.context["searches"]
    assert search.is_broken


# --- One alert per person and set of filters ---------------------------------------------


def test_saving_the_same_filters_twice_keeps_one_alert_with_the_last_choices(
    client, signed_in_outsider, food
):
    client.force_login(signed_in_outsider)
    url = reverse("alerts:create")
    client.post(url, {"name": "Food", "frequency": "weekly", "query": f"theme={food.slug}"})
    SavedSearch.objects.update(is_active=False)
    response = client.post(
        url,
        {"name": "Food now", "frequency": "instant", "query": f"page=2&theme={food.slug}&q="},
        follow=True,
    )
    assert response.status_code == 200
    search = SavedSearch.objects.get()
    assert (search.name, search.frequency, search.is_active) == ("Food now", "instant", True)
    assert "Avevi già un avviso con questi filtri" in response.content.decode()


def test_the_database_holds_one_row_per_person_and_filters(signed_in_outsider):
    SavedSearch.objects.create(user=signed_in_outsider, name="A", query="level=eu")
    with pytest.raises(IntegrityError), transaction.atomic():
        SavedSearch.objects.create(
            user=signed_in_outsider, name="B", query="level=eu", frequency="daily"
        )
    SavedSearch.objects.create(user=UserFactory(), name="C", query="level=eu")  # another person


def test_a_simultaneous_second_save_finds_the_first_row(signed_in_outsider, monkeypatch):
    """The race: the other request inserts between this one's read and its insert."""
    original = QuerySet.get
    raced = []

    def get(self, *args, **kwargs):
        if self.model is SavedSearch and not raced:
            raced.append(True)
            SavedSearch.objects.create(user=signed_in_outsider, name="First", query="level=eu")
            raise SavedSearch.DoesNotExist
        return original(self, *args, **kwargs)

    monkeypatch.setattr(QuerySet, "get", get)
    _search, created = alerts.saved_search_create(
        user=signed_in_outsider, name="Second", query="level=eu", frequency="daily"
    )
    assert raced and not created
    assert SavedSearch.objects.get().name == "Second"


def test_the_limit_does_not_count_the_alert_being_saved_again(
    client, signed_in_outsider, monkeypatch
):
    monkeypatch.setattr(searches, "MAX_SEARCHES_PER_USER", 2)
    SavedSearch.objects.create(user=signed_in_outsider, name="A", query="level=eu")
    SavedSearch.objects.create(user=signed_in_outsider, name="B", query="level=national")
    client.force_login(signed_in_outsider)
    url = reverse("alerts:create")
    again = client.post(url, {"name": "A2", "frequency": "daily", "query": "level=eu"})
    assert again.status_code == 302
    third = client.post(url, {"name": "C", "frequency": "daily", "query": "level=regional"})
    assert third.status_code == 400
    assert SavedSearch.objects.count() == 2

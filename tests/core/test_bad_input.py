"""Out-of-range numbers and NUL bytes in filters, forms and raw parameters: a 4xx or a form
error, never a 500, and nothing saved.

Two causes, each fixed once: an `__in` lookup on an integer column with a number beyond
64 bits raised OverflowError on SQLite (core/lookups.py), and a NUL byte reached
PostgreSQL, which cannot hold one in a string (core/middleware.py).
"""

import pytest
from django.urls import reverse

from funding.models import Call, Programme
from members.models import Cooperative
from partnerships.models import PartnershipRequest
from startups.models import Application, Need
from tests.funding.factories import CallFactory, ProgrammeFactory
from tests.members.factories import division, theme
from tests.startups.factories import SupportProgrammeFactory

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"  # beyond a signed 64-bit integer
BAD_NUMBERS = [HUGE, "-" + HUGE, "-1", "9223372036854775808", "1e400"]
NUL = "a\x00b"


def assert_no_server_error(response, *allowed):
    assert response.status_code < 500, response.status_code
    if allowed:
        assert response.status_code in allowed, response.status_code


# --- the lookup: `pk__in` with out-of-range numbers ------------------------------------------


def test_an_in_lookup_with_numbers_beyond_the_column_matches_nothing_instead_of_failing():
    programme = ProgrammeFactory()
    big = int(HUGE)
    assert list(Programme.objects.filter(pk__in=[big])) == []
    assert list(Programme.objects.filter(pk__in=[-big, big])) == []
    assert list(Programme.objects.filter(pk__in=[big, programme.pk])) == [programme]
    assert list(Programme.objects.exclude(pk__in=[big])) == [programme]
    # Through a relation (the join's target column is an integer too).
    call = CallFactory(programme=programme)
    assert list(Call.objects.filter(programme__id__in=[big, programme.pk])) == [call]


# --- list pages and feeds ----------------------------------------------------------------------

PUBLIC_LISTS = [
    ("funding:call-list", ["programme", "theme", "sector", "applicant", "level", "status", "q"]),
    ("funding:call-feed-ics", ["programme", "theme", "sector"]),
    ("funding:call-feed-rss", ["programme", "theme", "sector"]),
]
MEMBER_LISTS = [
    ("members:cooperative-list", ["association", "sector", "theme", "type", "province"]),
    ("partnerships:request-list", ["sector", "theme", "call", "kind", "country"]),
    ("partnerships:project-list", ["programme", "cooperative", "year", "kind", "status"]),
    ("startups:startup-list", ["sector", "theme", "kind", "stage"]),
]


def list_urls():
    for name, params in PUBLIC_LISTS + MEMBER_LISTS:
        for param in params:
            yield name, param


@pytest.mark.parametrize(("name", "param"), list(list_urls()))
def test_list_filters_refuse_bad_numbers_and_nul_without_a_server_error(
    client, coop_viewer, name, param
):
    CallFactory()  # something to list
    client.force_login(coop_viewer)
    url = reverse(name)
    for value in BAD_NUMBERS:
        assert_no_server_error(client.get(url, {param: value}), 200)
        assert_no_server_error(client.get(url, {param: [value, "1", value]}), 200)
        assert_no_server_error(client.get(url, {param: value, "page": value}), 200)
    assert_no_server_error(client.get(url, {param: NUL}), 400)
    assert_no_server_error(client.get(url, {"page": NUL}), 400)


def test_the_catalogue_reports_an_out_of_range_programme_as_a_filter_error(client):
    CallFactory(title="Bando aperto")
    response = client.get(reverse("funding:call-list"), {"programme": HUGE})
    assert response.status_code == 200
    assert "programme" in response.context["filterset"].errors


def test_the_board_filters_and_export_refuse_bad_values(client, staff_user):
    programme = SupportProgrammeFactory()
    client.force_login(staff_user)
    for name in ("startups:board", "startups:board-export"):
        url = reverse(name, kwargs={"slug": programme.slug})
        for value in BAD_NUMBERS:
            assert_no_server_error(client.get(url, {"sector": value, "stage": value}), 200)
        assert_no_server_error(client.get(url, {"sector": NUL}), 400)


# --- raw parameters ----------------------------------------------------------------------------


def test_a_nul_byte_in_the_call_of_a_new_request_is_a_bad_request(client, coop_editor):
    client.force_login(coop_editor)
    url = reverse("partnerships:request-create")
    assert_no_server_error(client.get(url, {"call": "\x00"}), 400)
    assert_no_server_error(client.get(url, {"call": HUGE}), 200)


def test_a_nul_byte_posted_to_switch_is_a_bad_request(client, coop_admin, coop):
    client.force_login(coop_admin)
    url = reverse("portal:switch-cooperative")
    assert_no_server_error(client.post(url, {"cooperative": "\x00"}), 400)
    assert_no_server_error(client.post(url, {"cooperative": HUGE}), 404)
    assert_no_server_error(client.post(url, {"cooperative": [coop.slug, "\x00"]}), 400)


def test_a_nul_byte_in_a_parameter_name_is_a_bad_request(client):
    assert_no_server_error(client.get(reverse("funding:call-list") + "?a%00b=1"), 400)


def test_the_dismiss_action_refuses_out_of_range_ids(client, coop_viewer, coop):
    client.force_login(coop_viewer)
    url = reverse("partnerships:dismiss")
    for value in BAD_NUMBERS:
        response = client.post(
            url, {"target_type": "cooperative", "target_id": value, "cooperative": coop.pk}
        )
        assert_no_server_error(response)
        response = client.post(
            url, {"target_type": "cooperative", "target_id": "1", "cooperative": value}
        )
        assert_no_server_error(response)


# --- admin changelist filters ------------------------------------------------------------------

ADMIN_FILTERS = [
    ("admin:funding_call_changelist", "programme__id__exact"),
    ("admin:startups_application_changelist", "programme__id__exact"),
    ("admin:startups_startup_changelist", "needs__id__exact"),
    ("admin:partnerships_partnershiprequest_changelist", "state__exact"),
    ("admin:members_cooperative_changelist", "province__exact"),
    ("admin:core_delivery_changelist", "kind__exact"),
]


@pytest.mark.parametrize(("name", "param"), ADMIN_FILTERS)
def test_admin_filters_refuse_bad_values_without_a_server_error(client, staff_user, name, param):
    client.force_login(staff_user)
    url = reverse(name)
    assert_no_server_error(client.get(url, {param: "\x00"}), 400)
    for value in BAD_NUMBERS:
        # The admin answers a value it cannot use with a redirect to ?e=1.
        assert_no_server_error(client.get(url, {param: value}), 200, 302)


# --- the three forms' multi-selects ------------------------------------------------------------


def request_data(coop, **extra):
    return {
        "owner": coop.pk,
        "kind": "technology_offer",
        "title_it": "Offriamo un gestionale",
        "summary_it": "Un gestionale per cooperative sociali.",
        "sought_countries": ["TN"],
        "sought_themes": [theme("digital-transition").pk],
        **extra,
    }


@pytest.mark.parametrize(
    "field", ["sought_themes", "sought_sectors", "sought_organisation_types", "owner", "call"]
)
def test_the_request_form_reports_bad_choices_and_saves_nothing(client, coop, coop_editor, field):
    client.force_login(coop_editor)
    url = reverse("partnerships:request-create")
    for value in BAD_NUMBERS:
        postings = [value]
        if field.startswith("sought_"):  # a multi-select: also one bad value among good ones
            postings += [[value], [value, str(theme("digital-transition").pk)]]
        for posted in postings:
            response = client.post(url, request_data(coop, **{field: posted}))
            assert response.status_code == 200
            assert field in response.context["form"].errors
    response = client.post(url, request_data(coop, **{field: "\x00"}))
    assert response.status_code == 400
    assert PartnershipRequest.objects.count() == 0


@pytest.mark.parametrize("field", ["sectors", "themes", "main_sector"])
def test_the_cooperative_form_reports_bad_choices_and_saves_nothing(
    client, coop, coop_editor, field
):
    client.force_login(coop_editor)
    url = reverse("portal:cooperative-edit", kwargs={"slug": coop.slug})
    before = (coop.description, list(coop.sectors.all()), list(coop.themes.all()))
    data = {
        "main_sector": coop.main_sector_id,
        "description": "Nuova descrizione",
        "city": coop.city,
        "province": coop.province,
        "email": coop.email,
        "phone": coop.phone,
    }
    for value in BAD_NUMBERS:
        postings = [value] if field == "main_sector" else [value, [value, str(division("62").pk)]]
        for posted in postings:
            response = client.post(url, {**data, field: posted})
            assert response.status_code == 200
            assert field in response.context["form"].errors
    assert client.post(url, {**data, field: "\x00"}).status_code == 400
    coop = Cooperative.objects.get(pk=coop.pk)
    assert (coop.description, list(coop.sectors.all()), list(coop.themes.all())) == before


@pytest.mark.parametrize("field", ["needs", "themes", "sector", "parent_cooperative"])
def test_the_apply_form_reports_bad_choices_and_saves_nothing(client, signed_in_outsider, field):
    programme = SupportProgrammeFactory()
    client.force_login(signed_in_outsider)
    url = reverse("startups:apply", kwargs={"slug": programme.slug})
    data = {
        "startup_name": "Filiera Corta Digitale",
        "kind": "cooperative_spinoff",
        "description": "Un mercato online per le cooperative agricole.",
        "team": "Anna Rossi",
        "team_size": "3",
        "sector": str(division("62").pk),
        "needs": [str(Need.objects.get(code="funding").pk)],
        "themes": [str(theme("digital-transition").pk)],
    }
    for value in BAD_NUMBERS:
        postings = [value, [value, "1"]] if field in ("needs", "themes") else [value]
        for posted in postings:
            response = client.post(url, {**data, field: posted})
            assert response.status_code == 200
            assert field in response.context["form"].errors
    assert client.post(url, {**data, field: "\x00"}).status_code == 400
    assert Application.objects.count() == 0

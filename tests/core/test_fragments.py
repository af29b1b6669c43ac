"""List pages keep their shared content rendered (core.fragments): never stale after a
change, never showing one person's view to another, and in a fixed number of queries."""

import datetime
import re

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core import fragments, versions
from funding.models import Call
from members.models import Cooperative
from partnerships.models import PartnershipRequest
from startups.models import Startup
from tests.funding.factories import CallFactory
from tests.members.factories import CooperativeFactory
from tests.networks.factories import BodyFactory
from tests.partnerships.factories import PartnershipRequestFactory
from tests.startups.factories import StartupFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 2, 10, 0, 30, tzinfo=datetime.UTC)


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return response, len(captured)


@pytest.mark.parametrize("url", ["/calls/", "/members/", "/startups/", "/networks/", "/"])
def test_a_second_view_reads_the_content_from_the_cache(client, url):
    CallFactory.create_batch(3)
    CooperativeFactory.create_batch(3)
    StartupFactory.create_batch(2)
    first, cold = _queries(client, url)
    second, warm = _queries(client, url)
    assert warm < cold
    assert _without_tokens(second) == _without_tokens(first)


def test_a_kept_search_of_the_calls_reads_nothing_and_keeps_its_filter_errors(client):
    CallFactory.create_batch(3)
    url = "/calls/?q=energia&theme=no-such-theme&theme=welfare-care&sort=deadline"
    first, _ = _queries(client, url)
    second, warm = _queries(client, url)
    assert warm == 0
    assert 'data-testid="filter-errors"' in first.content.decode()
    assert _without_tokens(second) == _without_tokens(first)


def _without_tokens(response):
    """The page without its CSRF tokens, which differ on every view (masked)."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def test_queries_of_a_cached_list_do_not_grow_with_the_rows(client):
    CooperativeFactory.create_batch(2)
    client.get("/members/")
    _, few = _queries(client, "/members/")
    CooperativeFactory.create_batch(30)
    client.get("/members/")
    _, many = _queries(client, "/members/")
    assert many == few


def test_a_saved_change_shows_at_once(client):
    cooperative = CooperativeFactory(legal_name="Cooperativa Alba Soc. Coop.")
    assert "Cooperativa Alba" in client.get("/members/").content.decode()
    cooperative.legal_name = "Cooperativa Aurora Nuova Soc. Coop."
    cooperative.save()
    assert "Cooperativa Aurora Nuova" in client.get("/members/").content.decode()

    call = CallFactory(title="Bando energia di comunità")
    assert "Bando energia di comunità" in client.get("/calls/").content.decode()
    call.title = "Bando comunità energetiche"
    call.save()
    page = client.get("/calls/").content.decode()
    assert "Bando comunità energetiche" in page
    assert "Bando energia di comunità" not in page


def test_a_deletion_and_a_changed_link_show_at_once(client):
    body = BodyFactory(name="Cooperatives Europe demo")
    assert "Cooperatives Europe demo" in client.get("/networks/").content.decode()
    body.delete()
    assert "Cooperatives Europe demo" not in client.get("/networks/").content.decode()

    startup = StartupFactory(name="Startup Girasole")
    assert "Startup Girasole" in client.get("/startups/").content.decode()
    startup.themes.clear()  # a link change alone (m2m_changed) replaces the version too
    Startup.objects.filter(pk=startup.pk).update(name="Startup Girasole Due")
    assert "Startup Girasole Due" in client.get("/startups/").content.decode()


def test_a_bulk_update_without_signals_shows_within_the_period(client):
    with time_machine.travel(NOW, tick=False) as traveller:
        CooperativeFactory(legal_name="Cooperativa Alba Soc. Coop.")
        client.get("/members/")
        Cooperative.objects.update(legal_name="Cooperativa Boreale Soc. Coop.")
        traveller.shift(datetime.timedelta(seconds=fragments.SECONDS + 1))
        assert "Cooperativa Boreale" in client.get("/members/").content.decode()


def test_status_follows_the_clock_within_the_period(client):
    with time_machine.travel(NOW, tick=False) as traveller:
        CallFactory(title="Bando in scadenza", deadlines=[NOW + datetime.timedelta(seconds=20)])
        assert "Bando in scadenza" in client.get("/calls/?status=open").content.decode()
        traveller.shift(datetime.timedelta(seconds=fragments.SECONDS + 1))
        assert "Bando in scadenza" not in client.get("/calls/?status=open").content.decode()


def test_selections_and_languages_never_share_a_fragment(client):
    CallFactory(title="Bando girasole")
    CallFactory(title="Bando tulipano")
    sunflower = client.get("/calls/?q=girasole").content.decode()
    tulip = client.get("/calls/?q=tulipano").content.decode()
    assert "Bando girasole" in sunflower and "Bando tulipano" not in sunflower
    assert "Bando tulipano" in tulip and "Bando girasole" not in tulip
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get("/calls/").content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "it"
    italian = client.get("/calls/").content.decode()
    assert "calls found" in english
    assert "bandi trovati" in italian or "bando trovato" in italian


def test_a_signed_in_person_sees_their_own_parts_around_the_shared_content(client, coop_admin):
    CallFactory.create_batch(2)
    anonymous = client.get("/calls/").content.decode()
    assert 'data-testid="save-alert"' not in anonymous
    client.force_login(coop_admin)
    signed_in = client.get("/calls/").content.decode()
    assert 'data-testid="save-alert"' in signed_in
    assert coop_admin.email not in anonymous
    client.logout()
    assert 'data-testid="save-alert"' not in client.get("/calls/").content.decode()


def test_members_only_startups_are_cached_per_audience(client, coop_admin, signed_in_outsider):
    StartupFactory(name="Startup Riservata", visibility=Startup.Visibility.MEMBERS)
    client.force_login(coop_admin)
    assert "Startup Riservata" in client.get("/startups/").content.decode()
    client.force_login(signed_in_outsider)
    assert "Startup Riservata" not in client.get("/startups/").content.decode()
    client.logout()
    assert "Startup Riservata" not in client.get("/startups/").content.decode()


def test_pages_of_a_cached_list_keep_the_filters(client):
    CooperativeFactory.create_batch(25, city="Ravenna")
    html = client.get("/members/?q=Prova").content.decode()
    assert "q=Prova&amp;page=2" in html or "page=2&amp;q=Prova" in html
    assert client.get("/members/?q=Prova&page=2").status_code == 200


def test_versions_never_repeat_and_a_bump_changes_the_key():
    before = versions.current("test.thing")
    key = fragments.cache_key("x", data=["test.thing"], now=0)
    versions.bump("test.thing")
    after = versions.current("test.thing")
    assert after != before
    assert fragments.cache_key("x", data=["test.thing"], now=0) != key


def test_a_published_call_bumps_the_catalogue_version():
    before = versions.current("funding.catalogue")
    CallFactory(publication_state=Call.PublicationState.PUBLISHED, opens_at=timezone.now())
    assert versions.current("funding.catalogue") != before


def test_a_cooperative_page_keeps_contacts_for_those_who_may_see_them(
    client, coop, coop_admin, signed_in_outsider
):
    coop.email = "segreteria@aurora.example"
    coop.save()
    client.force_login(coop_admin)
    assert "segreteria@aurora.example" in client.get(coop.get_absolute_url()).content.decode()
    client.force_login(signed_in_outsider)
    outsider = client.get(coop.get_absolute_url()).content.decode()
    assert "segreteria@aurora.example" not in outsider
    assert 'data-testid="contacts-for-members"' in outsider
    client.logout()
    anonymous = client.get(coop.get_absolute_url()).content.decode()
    assert "segreteria@aurora.example" not in anonymous
    assert 'data-testid="contacts-for-members"' not in anonymous


def test_a_call_page_keeps_its_text_and_renders_the_follow_button_per_person(client, coop_admin):
    call = CallFactory(title="Bando girasole", summary="Per le cooperative di comunità.")
    follow_url = reverse("funding:call-follow", kwargs={"slug": call.slug})
    anonymous = client.get(call.get_absolute_url()).content.decode()
    assert "Bando girasole" in anonymous and follow_url not in anonymous
    client.force_login(coop_admin)
    signed_in = client.get(call.get_absolute_url()).content.decode()
    assert "Bando girasole" in signed_in and follow_url in signed_in
    call.summary = "Testo aggiornato del bando."
    call.save()
    assert "Testo aggiornato del bando." in client.get(call.get_absolute_url()).content.decode()


def test_the_kept_request_list_is_still_only_for_those_who_may_browse(
    client, coop_admin, signed_in_outsider
):
    PartnershipRequestFactory(title="Cerchiamo un partner per il riuso tessile")
    client.force_login(coop_admin)
    member = client.get("/partnerships/")
    assert "Cerchiamo un partner per il riuso tessile" in member.content.decode()
    assert 'data-testid="new-request"' in member.content.decode()
    client.force_login(signed_in_outsider)
    refused = client.get("/partnerships/")
    assert refused.status_code in (403, 404)
    assert "riuso tessile" not in refused.content.decode()


def test_archiving_calls_shows_on_the_kept_catalogue_at_once(client):
    """`calls_archive` is one UPDATE (no save signal): it replaces the catalogue's token."""
    from funding import services

    with time_machine.travel(NOW, tick=False):
        call = CallFactory(title="A call about to be archived")
        assert call.title in client.get("/calls/").content.decode()
        assert services.calls_archive(calls=Call.objects.filter(pk=call.pk)) == 1
        assert call.title not in client.get("/calls/").content.decode()


def test_expired_requests_leave_the_kept_request_list_at_once(client, coop_viewer):
    """`requests_expire` claims each request with an UPDATE: it replaces the requests' token."""
    from partnerships import services

    client.force_login(coop_viewer)
    request = PartnershipRequestFactory(title="A request past its deadline")
    assert request.title in client.get("/partnerships/").content.decode()
    request.interest_deadline = timezone.localdate() - datetime.timedelta(days=1)
    PartnershipRequest.objects.filter(pk=request.pk).update(
        interest_deadline=request.interest_deadline
    )
    assert services.requests_expire() == 1
    assert request.title not in client.get("/partnerships/").content.decode()

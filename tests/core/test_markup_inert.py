"""Markup and template syntax typed by a member stays text wherever it is shown.

A script, an attribute breakout and template syntax go into every free-text field a
member can fill (cooperative profile, partnership request, expression of interest and its
answer, saved search name, account name, startup application), through the forms. Every
page, feed, CSV export and email that shows the field must show it escaped (HTML parts of
emails too); plain-text parts and subjects carry it raw, which is harmless in text. The
template syntax must come out as typed, never evaluated.
"""

import pytest
from django.urls import reverse
from django.utils.html import escape

from core import unsubscribe
from core.models import Delivery
from partnerships.models import ExpressionOfInterest, PartnershipRequest
from startups.models import Application
from tests.core.world import (
    application_form,
    profile_form,
    request_form,
    shared_world,
)
from tests.funding.factories import CallFactory

SCRIPT = "<script>alert(1)</script>"
BREAKOUT = '"><img src=x onerror=alert(1)>'
TEMPLATE = "{{ 7*7 }}"
PAYLOAD = f"{SCRIPT}{BREAKOUT}{TEMPLATE}"
DANGEROUS = ("<script>alert(1)", "<img src=x")


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with shared_world(django_db_blocker) as world:
        yield world


def as_(client, user):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client


def assert_inert(html, where, *, shown=True, whole=True):
    """No live markup from the payload; where it is `shown`, its escaped text is there
    (and its template syntax as typed, unless the place shows only its first `whole` word)."""
    for raw in DANGEROUS:
        assert raw not in html, f"{where}: {raw!r} is live markup"
    if shown:
        assert escape(SCRIPT) in html, f"{where}: the escaped payload is not shown"
        if whole:
            assert TEMPLATE in html, f"{where}: the template syntax was not shown as typed"


def page(client, url, where=None, *, shown=True):
    response = client.get(url)
    assert response.status_code == 200, f"{url}: {response.status_code}"
    assert_inert(response.content.decode(), where or url, shown=shown)
    return response


def assert_emails_inert(since_pk, *, expected=1):
    """The ledger's new emails that carry the payload: HTML escaped, text as typed."""
    carrying = [
        delivery
        for delivery in Delivery.objects.filter(pk__gt=since_pk).order_by("pk")
        if SCRIPT in delivery.body_text or escape(SCRIPT) in delivery.body_text
    ]
    assert len(carrying) >= expected, "no email carries the field"
    for delivery in carrying:
        where = f"email {delivery.kind} to {delivery.to_email}"
        assert SCRIPT in delivery.body_text, f"{where}: the text part is not the text typed"
        if "7*7" in delivery.body_text:  # a greeting carries only the first word of a name
            assert TEMPLATE in delivery.body_text, f"{where}: template syntax evaluated"
        if delivery.body_html:
            whole = "7*7" in delivery.body_text
            assert_inert(delivery.body_html, f"{where} (HTML part)", whole=whole)
    return carrying


def strings(data):
    """Every string in a JSON document, at any depth."""
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for value in data.values():
            yield from strings(value)
    elif isinstance(data, list):
        for value in data:
            yield from strings(value)


def last_delivery_pk():
    last = Delivery.objects.order_by("-pk").first()
    return last.pk if last else 0


def test_cooperative_profile(world, client, db):
    as_(client, world.admin_a)
    data = {**profile_form(world), "description": PAYLOAD, "city": PAYLOAD[:100]}
    response = client.post(reverse("portal:cooperative-edit", kwargs={"slug": "aurora"}), data)
    assert response.status_code == 302, response.content.decode()[:2000]

    page(client, reverse("portal:cooperative-edit", kwargs={"slug": "aurora"}))
    page(client, reverse("members:cooperative-detail", kwargs={"slug": "aurora"}))
    page(client, reverse("members:cooperative-list"))
    page(client, reverse("portal:dashboard"), shown=False)
    as_(client, None)
    page(client, reverse("members:cooperative-detail", kwargs={"slug": "aurora"}), "anonymous")
    page(client, reverse("members:association-detail", kwargs={"slug": world.association.slug}))
    as_(client, world.staff)
    page(client, reverse("admin:members_cooperative_changelist"), shown=False)
    page(client, reverse("admin:members_cooperative_change", args=[world.coop_a.pk]))


def test_partnership_request(world, client, db):
    since = last_delivery_pk()
    as_(client, world.editor)
    data = {
        **request_form(world),
        "title_it": PAYLOAD,
        "summary_it": PAYLOAD,
        "description_it": PAYLOAD,
        "offer": PAYLOAD,
        "submit_now": "1",
    }
    response = client.post(reverse("partnerships:request-create"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    partnership = PartnershipRequest.objects.get(title=PAYLOAD)
    assert partnership.state == PartnershipRequest.State.SUBMITTED
    as_(client, world.staff)
    client.post(reverse("partnerships:request-approve", kwargs={"pk": partnership.pk}))
    partnership.refresh_from_db()
    assert partnership.state == PartnershipRequest.State.PUBLISHED
    assert_emails_inert(since)

    detail = reverse("partnerships:request-detail", kwargs={"pk": partnership.pk})
    page(client, detail, "detail (staff)")
    page(client, reverse("admin:partnerships_partnershiprequest_changelist"))
    as_(client, world.editor)
    page(client, detail, "detail (owner)")
    page(client, reverse("partnerships:request-mine"))
    page(client, reverse("portal:dashboard"))
    page(
        client,
        reverse("partnerships:request-edit", kwargs={"pk": world.draft_request.pk}),
        shown=False,
    )
    as_(client, world.admin_b)
    page(client, detail, "detail (other cooperative)")
    page(client, reverse("partnerships:request-list"))
    page(client, reverse("home"))


def test_expression_of_interest_and_its_answer(world, client, db):
    since = last_delivery_pk()
    as_(client, world.admin_a)
    response = client.post(
        reverse("partnerships:interest-create", kwargs={"pk": world.request_b.pk}),
        {"cooperative": world.coop_a.pk, "message": PAYLOAD},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    interest = ExpressionOfInterest.objects.get(message=PAYLOAD)
    assert_emails_inert(since)
    detail = reverse("partnerships:request-detail", kwargs={"pk": world.request_b.pk})
    page(client, detail, "detail (sender)")
    as_(client, world.admin_b)
    page(client, detail, "detail (owner)")
    page(client, reverse("partnerships:request-mine"), shown=False)

    since = last_delivery_pk()
    response = client.post(
        reverse("partnerships:interest-decline", kwargs={"pk": interest.pk}), {"reason": PAYLOAD}
    )
    assert response.status_code == 302
    interest.refresh_from_db()
    assert interest.decline_reason == PAYLOAD
    assert_emails_inert(since)
    as_(client, world.admin_a)
    page(client, detail, "detail (declined sender)")
    as_(client, world.staff)
    page(client, reverse("admin:partnerships_expressionofinterest_changelist"), shown=False)
    page(client, reverse("admin:partnerships_expressionofinterest_change", args=[interest.pk]))


def test_saved_search_name(world, client, db):
    as_(client, world.admin_a)
    response = client.post(
        reverse("alerts:create"), {"name": PAYLOAD[:120], "frequency": "weekly", "query": "q="}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    page(client, reverse("alerts:list"))
    search = world.admin_a.saved_searches.get(name=PAYLOAD[:120])
    page(client, reverse("alerts:edit", kwargs={"pk": search.pk}))
    # The unsubscribe page names the alert it stops.
    as_(client, None)
    page(
        client,
        reverse("unsubscribe", kwargs={"token": unsubscribe.make_token("search", search.pk)}),
    )


def test_account_name_in_pages_and_emails(world, client, db):
    as_(client, world.admin_a)
    response = client.post(
        reverse("portal:account"), {"full_name": PAYLOAD[:150], "language": "it"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    page(client, reverse("portal:account"))
    page(client, reverse("portal:dashboard"), shown=False)
    # The invitation email names who invites.
    since = last_delivery_pk()
    response = client.post(
        reverse("portal:cooperative-members", kwargs={"slug": "aurora"}),
        {"email": "guest@newcomer.example", "role": "viewer", "language": "it"},
    )
    assert response.status_code == 302
    assert_emails_inert(since)
    as_(client, world.viewer)
    page(client, reverse("portal:cooperative-members", kwargs={"slug": "aurora"}))
    as_(client, world.staff)
    page(client, reverse("admin:core_user_changelist"))
    page(client, reverse("admin:core_user_change", args=[world.admin_a.pk]))
    # The greeting of an email to the person: accepting B's interest emails A's admin.
    since = last_delivery_pk()
    as_(client, world.admin_a)
    client.post(reverse("partnerships:interest-accept", kwargs={"pk": world.interest.pk}))
    world.interest.refresh_from_db()
    assert world.interest.state == ExpressionOfInterest.State.ACCEPTED
    assert_emails_inert(since)


def test_startup_application(world, client, db):
    since = last_delivery_pk()
    as_(client, world.no_coop)
    data = {
        **application_form(world),
        "startup_name": PAYLOAD,
        "description": PAYLOAD,
        "team": PAYLOAD,
    }
    url = reverse("startups:apply", kwargs={"slug": world.support_programme.slug})
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    application = Application.objects.get(startup_name=PAYLOAD)
    assert_emails_inert(since)
    page(
        client, reverse("startups:programme-detail", kwargs={"slug": world.support_programme.slug})
    )

    as_(client, world.staff)
    board = reverse("startups:board", kwargs={"slug": world.support_programme.slug})
    page(client, board)
    page(client, reverse("admin:startups_application_change", args=[application.pk]))
    # The CSV export: an attachment of type text/csv that the browser does not sniff as
    # HTML, with the text as typed.
    response = client.get(
        reverse("startups:board-export", kwargs={"slug": world.support_programme.slug})
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    text = response.content.decode("utf-8-sig")
    assert TEMPLATE in text
    # Moving it on emails the applicant (with the startup's name).
    since = last_delivery_pk()
    client.post(
        reverse("startups:application-transition", kwargs={"pk": application.pk}),
        {"to_stage": "screening", "note": "", "reason": ""},
    )
    application.refresh_from_db()
    assert application.stage == Application.Stage.SCREENING
    assert_emails_inert(since)
    # The personal-data export is JSON, as typed, in an attachment never sniffed as HTML.
    as_(client, world.no_coop)
    response = client.get(reverse("portal:account-export"))
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert PAYLOAD in set(strings(response.json()))


def test_feeds_escape_what_they_carry(world, client, db):
    """Calls are typed by staff, not members; the feeds still carry them as text."""
    CallFactory(programme=world.programme, title=PAYLOAD, summary=PAYLOAD, slug="markup-call")
    response = client.get(reverse("funding:call-feed-rss"))
    assert response.status_code == 200
    body = response.content.decode()
    for raw in DANGEROUS:
        assert raw not in body
    assert escape(SCRIPT) in body or "&lt;script&gt;" in body
    response = client.get(reverse("funding:call-feed-ics"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    # Long iCalendar lines are folded (RFC 5545 §3.1): unfold before reading.
    assert TEMPLATE in response.content.decode().replace("\r\n ", "")
    page(client, reverse("funding:call-list"))
    page(client, reverse("funding:call-detail", kwargs={"slug": "markup-call"}))

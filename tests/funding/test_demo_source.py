"""An invented (demo) call claims no real source: its page says it is demo data, with no
"checked on" date; a real call shows its source and when it was checked."""

import datetime

import pytest

from tests.funding.factories import CallFactory

pytestmark = pytest.mark.django_db


def source_of(client, call):
    response = client.get(call.get_absolute_url(), HTTP_COOKIE="innovacoop_language=en")
    html = response.content.decode()
    start = html.index('data-testid="call-source"')
    return html[start : html.index("</dd>", start)]


def test_a_demo_call_shows_no_source_and_no_check_date(client):
    call = CallFactory(
        is_demo=True, source="EU Funding & Tenders portal", last_checked=datetime.date(2026, 11, 30)
    )
    shown = source_of(client, call)
    assert "demo data" in shown
    assert "Funding &amp; Tenders" not in shown and "checked on" not in shown


def test_a_real_call_shows_its_source_and_check_date(client):
    call = CallFactory(source="Regione Emilia-Romagna", last_checked=datetime.date(2026, 11, 30))
    shown = source_of(client, call)
    assert "Regione Emilia-Romagna" in shown and "checked on 30 Nov 2026" in shown

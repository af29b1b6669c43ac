"""/calls/ "Download": the results for the same query string as CSV and XLSX, the same calls
in the same order as the page, every cell formula-safe."""

import csv
import io

import pytest
import tablib
from django.core.cache import cache
from django.urls import reverse

from tests.funding.factories import CallFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db

LIST = reverse("funding:call-list")


def page_identifiers(client, query):
    cache.clear()  # the results part is kept rendered: read it anew
    response = client.get(LIST, query)
    return [call.identifier for call in response.context["calls"]]


def csv_rows(client, query):
    response = client.get(reverse("funding:call-export-csv"), query)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.fixture
def catalogue():
    life = ProgrammeFactory(acronym="LIFE", level="eu")
    regional = ProgrammeFactory(acronym="PR-FESR-ER", level="regional")
    CallFactory(identifier="LIFE-A", title="Economia circolare nei distretti", programme=life)
    CallFactory(identifier="LIFE-B", title="Acqua e clima", programme=life)
    CallFactory(identifier="ER-1", title="Innovazione nelle imprese", programme=regional)
    CallFactory(identifier="DRAFT", publication_state="draft", programme=life)


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"level": "eu"},
        {"programme": "PR-FESR-ER"},
        {"q": "circolare"},
        {"level": "eu", "sort": "newest"},
        {"status": "open", "level": ["eu", "regional"]},
    ],
)
def test_the_download_holds_the_pages_calls_for_the_same_query(client, catalogue, query):
    rows = csv_rows(client, query)
    assert [row[0] for row in rows[1:]] == page_identifiers(client, query)
    assert "DRAFT" not in [row[0] for row in rows]


def test_the_list_links_to_the_download_with_its_query(client, catalogue):
    cache.clear()
    html = client.get(LIST, {"level": "eu"}).content.decode()
    assert f"{reverse('funding:call-export-csv')}?level=eu" in html
    assert f"{reverse('funding:call-export-xlsx')}?level=eu" in html


def test_cells_that_look_like_formulas_are_text_in_both_formats(client):
    CallFactory(identifier="=1+1", title='=HYPERLINK("https://example.org","x")')
    rows = csv_rows(client, {})
    assert rows[1][0] == "'=1+1" and rows[1][1].startswith("'=HYPERLINK")
    response = client.get(reverse("funding:call-export-xlsx"))
    sheet = tablib.Dataset().load(io.BytesIO(response.content).read(), format="xlsx")
    assert sheet[0][0] == "'=1+1"


def test_bad_input_is_not_a_500(client, catalogue):
    for query in ({"level": "nothing"}, {"budget_min": "9" * 40}, {"q": "a\x00b"}, {"page": "x"}):
        assert client.get(reverse("funding:call-export-csv"), query).status_code in (200, 400)

"""The benchmark command's pure parts: percentile, the HTTP driver, the markdown document,
the floor view and the query-count header. The benchmark itself is never run by the tests."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory

from benchmark import drive, report
from benchmark.middleware import QueryCountMiddleware
from tests.funding.factories import CallFactory


def test_percentile_interpolates_between_ranks():
    values = list(range(1, 101))  # 1..100, unsorted below
    values.reverse()
    assert drive.percentile(values, 0.5) == pytest.approx(50.5)
    assert drive.percentile(values, 0.95) == pytest.approx(95.05)
    assert drive.percentile(values, 0) == 1
    assert drive.percentile(values, 1) == 100
    assert drive.percentile([7.0], 0.95) == 7.0
    assert drive.percentile([], 0.95) is None


class _Ok(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        body = b"floor" if self.path == drive.FLOOR_PATH else b"page"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Bench-Queries", "3")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Ok)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd.server_address[1]
    httpd.shutdown()
    httpd.server_close()


def test_driver_interleaves_page_and_floor(server):
    assert drive.probe(server, "/x/") == {
        "status": 200,
        "queries": 3,
        "kb": 0.0,
        "first_ms": pytest.approx(0, abs=1000),
    }
    result = drive.timed(
        server, "/x/", seconds=0.3, concurrency=2, page_slice=0.1, floor_slice=0.05
    )
    assert result["requests"] > 0 and result["floor_requests"] > 0
    assert result["errors"] == result["floor_errors"] == 0
    assert result["p50"] <= result["p95"] and result["floor_p50"] <= result["floor_p95"]
    assert result["rps"] > 0


def _results(label, ratio, status=200):
    page = {
        "name": "/calls/",
        "path": "/calls/",
        "role": None,
        "status": status,
        "rps": 10.0,
        "p50": 40.0,
        "p95": 90.0,
        "ratio": ratio,
        "queries": 12,
        "kb": 70.1,
        "floor_p95": 9.0,
        "errors": 0,
    }
    admin = {**page, "name": "/admin/funding/call/", "path": "/admin/funding/call/"}
    admin["role"] = "staff"
    return {
        "label": label,
        "date": "2026-12-02",
        "commit": f"{label}--1",  # "--" must not end the data comment
        "machine": {"nproc": 2, "ram_gib": 23.5, "cpu": "Xeon", "postgres": "15.2"},
        "load": {"start": 1.0, "end": 2.0},
        "seconds": 6,
        "concurrency": 4,
        "sizes": {
            "large": {
                "description": "10,000 cooperatives",
                "pages": [page, admin],
                "rss_mib": [240.0, 250.5],
                "build": {
                    "timings": {"migrate + demo": 10.0, "calls": 5.0},
                    "derived": {"refresh_call_deadlines": None},
                },
            }
        },
        "jobs": {"matches": {"stored": False}, "fanout": {"error": "KeyError: 'x'"}},
    }


def test_document_keeps_the_other_label_and_compares():
    before = report.document("", "before", _results("before", 73.0))
    assert "## Before" in before and "## After" not in before and "## Comparison" not in before
    assert "| /calls/ | 10.0 | 40.0 | 90.0 | 73x | 12 | 70.1 |" in before
    assert "not stored: computed per page view" in before
    assert "failed: KeyError" in before
    assert "`refresh_call_deadlines` absent" in before
    assert report.parse(before)["before"][1]["commit"] == "before--1"

    both = report.document(before, "after", _results("after", 2.5))
    kept = report.parse(before)["before"][0]
    assert kept in both  # the Before section is kept verbatim
    assert "| /calls/ | 73x | 2.5x | 3x |" in both
    assert "| /admin/funding/call/ (staff) | 73x | 2.5x | 5x |" in both

    again = report.document(both, "before", _results("before", 50.0, status=500))
    assert "| /calls/ | status 500 |" in again
    assert report.parse(again)["after"][0] == report.parse(both)["after"][0]
    assert again.count("## Comparison") == 1 and again.count("## Before") == 1


def test_document_keeps_the_notes_written_after_the_comparison():
    both = report.document(
        report.document("", "before", _results("before", 73.0)), "after", _results("after", 2.5)
    )
    noted = both + "\n## Why targets are missed (after)\n\nThe admin renders every cell.\n"
    again = report.document(noted, "after", _results("after", 3.0))
    assert again.endswith("## Why targets are missed (after)\n\nThe admin renders every cell.\n")
    assert again.count("## Why targets are missed") == 1


def test_document_refuses_an_unknown_label():
    with pytest.raises(ValueError):
        report.document("", "during", _results("during", 1.0))


@pytest.mark.django_db
@pytest.mark.urls("benchmark.urls")
def test_floor_is_one_query_whatever_the_rows(client, django_assert_num_queries):
    CallFactory.create_batch(3)
    with django_assert_num_queries(1):
        small = client.get("/bench/floor/")
    CallFactory.create_batch(30)
    with django_assert_num_queries(1):
        large = client.get("/bench/floor/")
    assert small.status_code == large.status_code == 200
    assert small.content.count(b"<li>") == 3
    assert large.content.count(b"<li>") == 20


@pytest.mark.django_db
def test_query_count_header():
    def view(request):
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.execute("SELECT 2")
        return HttpResponse("ok")

    response = QueryCountMiddleware(view)(RequestFactory().get("/"))
    assert response["X-Bench-Queries"] == "2"


@pytest.mark.parametrize(
    "options",
    [
        {"sizes": "huge"},
        {"sizes": ","},
        {"seconds": 0},
        {"seconds": 1e9},
        {"concurrency": 0},
        {"jobs": "all"},
    ],
)
def test_bad_options_are_refused(options):
    with pytest.raises(CommandError):
        call_command("benchmark", **options)


@pytest.mark.django_db
def test_steps_refuse_a_database_that_is_not_a_benchmark_one():
    with pytest.raises(CommandError):
        call_command("benchmark", step="job", job="fanout")

"""The daily import from the F&T search API, through source queries staff set in the admin.

No test reaches the network: the client gets a fake session serving the real records of
tests/funding/eu_records/ as search-API pages, and the "offline" tests talk to a local
port nothing listens on (settings_test)."""

import json
import logging
from io import StringIO
from pathlib import Path

import pytest
import requests
import time_machine
from django.conf import settings
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from funding import tasks
from funding.eu_topics import client as search_client
from funding.eu_topics import sync
from funding.eu_topics.models import STATUS_FORTHCOMING, STATUS_OPEN, SourceQuery
from funding.models import Call, CallProvenance
from tests.core.factories import UserFactory

pytestmark = pytest.mark.django_db

RECORDS = Path(__file__).parent / "eu_records"
SEARCH_RESULTS = sorted(p for p in RECORDS.glob("*.json") if "topicDetails" not in p.name)
NOW = "2026-12-01 09:00:00+00:00"
SOIL = "HORIZON-MISS-2027-05-SOIL-01-two-stage"
CL4 = "HORIZON-CL4-2027-04-DIGITAL-EMERGING-10"
CL2 = "HORIZON-CL2-2024-TRANSFORMATIONS-01-08"  # its deadline passed in 2024


@pytest.fixture(autouse=True)
def _fixed_day():
    with time_machine.travel(NOW, tick=False):
        yield


def results(*identifiers):
    found = [json.loads(path.read_text()) for path in SEARCH_RESULTS]
    if not identifiers:
        return found
    return [r for r in found if r["metadata"]["identifier"][0] in identifiers]


class Answer:
    def __init__(self, status=200, data=None, text=None, headers=None):
        self.status_code, self._data, self._text = status, data, text
        self.headers = headers or {}

    def json(self):
        if self._text is not None:
            return json.loads(self._text)
        return self._data


class FakeSearch:
    """A session answering like the search API: `by_text` maps the `text` parameter to its
    results; `script` (optional) gives answers or exceptions to return first, in order."""

    def __init__(self, by_text, script=()):
        self.by_text, self.script, self.calls = by_text, list(script), []

    def post(self, url, params, files, timeout):
        self.calls.append({"url": url, "params": params, "files": files, "timeout": timeout})
        if self.script:
            step = self.script.pop(0)
            if isinstance(step, Exception):
                raise step
            return step
        found = self.by_text.get(params["text"], [])
        size, number = params["pageSize"], params["pageNumber"]
        page = found[(number - 1) * size : number * size]
        return Answer(data={"totalResults": len(found), "pageNumber": number, "results": page})


def query(**fields):
    values = {"name": "Social economy", "keywords": "", "programmes": ["43108390"]}
    return SourceQuery.objects.create(**{**values, **fields})


def test_a_query_reads_every_page_and_lands_new_topics_as_drafts(monkeypatch):
    monkeypatch.setattr(search_client, "PAGE_SIZE", 2)
    session = FakeSearch({"***": results()})
    run = sync.query_run(query(), session=session, sleep=lambda s: None)
    assert run.error == "" and run.fetched == 5
    assert [c["params"]["pageNumber"] for c in session.calls] == [1, 2, 3]
    first = session.calls[0]
    assert first["url"] == settings.EU_FUNDING_TENDERS_SEARCH_URL
    assert first["params"]["apiKey"] == "SEDIA" and first["params"]["pageSize"] == 2
    parts = {name: json.loads(part[1]) for name, part in first["files"].items()}
    assert parts["languages"] == ["en"]
    must = parts["query"]["bool"]["must"]
    assert {"terms": {"frameworkProgramme": ["43108390"]}} in must
    assert {"terms": {"status": [STATUS_FORTHCOMING, STATUS_OPEN]}} in must
    assert first["timeout"] == search_client.TIMEOUT
    assert Call.objects.count() == 5
    assert set(Call.objects.values_list("publication_state", flat=True)) == {"draft"}
    saved = SourceQuery.objects.get()
    assert saved.last_run_ok is True and saved.last_run_counts["created"] == 5
    with translation.override("en"):
        assert saved.last_run_summary().startswith("5 topics fetched: 5 new, 0 updated")
    with translation.override("it"):
        assert saved.last_run_summary().startswith("5 topic letti: 5 nuovi, 0 aggiornati")
    # The same run again changes nothing.
    again = sync.query_run(saved, session=FakeSearch({"***": results()}))
    assert len(again.report.unchanged) == 5 and Call.objects.count() == 5


def test_each_keyword_is_a_search_and_a_topic_found_twice_is_imported_once():
    session = FakeSearch({"social economy": results(SOIL, CL4), "cooperative": results(CL4, CL2)})
    source = query(keywords="social economy\n\n  cooperative \nCooperative")
    run = sync.query_run(source, session=session)
    assert [c["params"]["text"] for c in session.calls] == ["social economy", "cooperative"]
    assert run.fetched == 3 and len(run.report.created) == 3
    assert CallProvenance.objects.filter(seen_by=source).count() == 3


def test_a_query_that_publishes_goes_through_the_publishing_service():
    run = sync.query_run(query(publish=True), session=FakeSearch({"***": results(SOIL)}))
    call = Call.objects.get(identifier=SOIL)
    assert run.report.created == [SOIL]
    assert call.is_published and call.published_at is not None


def test_network_failures_are_tried_again_with_growing_pauses():
    pauses = []
    session = FakeSearch(
        {"***": results(SOIL)},
        script=[requests.ConnectionError("refused"), Answer(503), requests.Timeout("slow")],
    )
    run = sync.query_run(query(), session=session, sleep=pauses.append)
    assert run.error == "" and run.report.created == [SOIL]
    assert pauses == [search_client.BACKOFF, search_client.BACKOFF * 2, search_client.BACKOFF * 4]


def test_a_busy_server_is_waited_for_as_long_as_it_asks():
    pauses = []
    session = FakeSearch(
        {"***": results(SOIL)}, script=[Answer(429, headers={"Retry-After": "30"})]
    )
    sync.query_run(query(), session=session, sleep=pauses.append)
    assert pauses == [30]


@pytest.mark.parametrize(
    "answer, reason",
    [
        (Answer(400, data={"error": "bad query"}), "HTTP 400"),
        (Answer(text="<html>maintenance</html>"), "not JSON"),
        (Answer(data={"message": "no results here"}), "no results list"),
    ],
)
def test_a_bad_answer_fails_the_run_at_once_and_imports_nothing(answer, reason, caplog):
    session = FakeSearch({}, script=[answer])
    with caplog.at_level(logging.INFO, logger="funding"):
        run = sync.query_run(query(), session=session, sleep=pytest.fail)
    assert reason in run.error and len(session.calls) == 1
    assert Call.objects.count() == 0
    saved = SourceQuery.objects.get()
    assert saved.last_run_ok is False and reason in saved.last_run_summary()
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1 and "Social economy" in errors[0].getMessage()


def test_a_failure_on_a_later_page_imports_nothing(monkeypatch):
    monkeypatch.setattr(search_client, "PAGE_SIZE", 2)
    monkeypatch.setattr(search_client, "ATTEMPTS", 2)
    found = results()

    class SecondPageDown(FakeSearch):
        def post(self, url, params, files, timeout):
            if params["pageNumber"] == 2:
                self.calls.append(params)
                return Answer(502)
            return super().post(url, params, files, timeout)

    run = sync.query_run(query(), session=SecondPageDown({"***": found}), sleep=lambda s: None)
    assert "page 2: HTTP 502 after 2 tries" in run.error
    assert Call.objects.count() == 0


def test_malformed_records_are_reported_and_the_rest_imported(caplog):
    tender = results(CL4)[0]
    tender["metadata"] = {**tender["metadata"], "type": ["0"], "identifier": ["A-TENDER"]}
    found = [*results(SOIL), {"metadata": {"title": ["no identifier"]}}, tender, "junk"]
    with caplog.at_level(logging.WARNING, logger="funding"):
        run = sync.query_run(query(), session=FakeSearch({"***": found}))
    assert run.report.created == [SOIL] and len(run.report.rejected) == 3
    assert SourceQuery.objects.get().last_run_counts["rejected"] == 3
    assert sum("rejected" in r.getMessage() for r in caplog.records) == 3


def test_a_topic_gone_from_the_source_is_marked_not_deleted_and_unmarked_when_back(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    source = query()
    sync.query_run(source, session=FakeSearch({"***": results(SOIL, CL4, CL2)}))
    Call.objects.filter(identifier=SOIL).update(publication_state="published")
    with time_machine.travel("2026-12-02 09:00:00+00:00", tick=False):
        run = sync.query_run(source, session=FakeSearch({"***": results(CL4)}))
    # SOIL is still forthcoming by its dates: marked. CL2 closed in 2024: it left an
    # open-and-forthcoming search by closing, and is not marked.
    assert run.missing == [SOIL]
    assert Call.objects.count() == 3
    soil = CallProvenance.objects.get(source_identifier=SOIL)
    assert soil.missing_since is not None
    assert CallProvenance.objects.get(source_identifier=CL2).missing_since is None
    assert SourceQuery.objects.get().last_run_counts["missing"] == 1
    page = client.get(
        reverse("funding:call-detail", args=[soil.call.slug]), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "The EU portal no longer lists this topic" in page.content.decode()
    with time_machine.travel("2026-12-03 09:00:00+00:00", tick=False):
        back = sync.query_run(source, session=FakeSearch({"***": results(SOIL, CL4)}))
    assert back.missing == []
    assert CallProvenance.objects.get(source_identifier=SOIL).missing_since is None
    page = client.get(reverse("funding:call-detail", args=[soil.call.slug]))
    assert 'data-testid="call-missing"' not in page.content.decode()


def test_a_failed_run_marks_nothing_missing():
    source = query()
    sync.query_run(source, session=FakeSearch({"***": results(SOIL, CL4)}))
    with time_machine.travel("2026-12-02 09:00:00+00:00", tick=False):
        run = sync.query_run(source, session=FakeSearch({}, script=[Answer(400)]))
    assert run.error and run.missing == []
    assert not CallProvenance.objects.filter(missing_since__isnull=False).exists()


def test_a_topic_another_query_found_last_is_not_marked_by_this_one():
    broad, narrow = query(name="Broad"), query(name="Narrow", keywords="soil")
    sync.query_run(broad, session=FakeSearch({"***": results(SOIL, CL4)}))
    sync.query_run(narrow, session=FakeSearch({"soil": results(SOIL)}))
    with time_machine.travel("2026-12-02 09:00:00+00:00", tick=False):
        # The broad query no longer finds SOIL, but the narrow one found it last.
        sync.query_run(broad, session=FakeSearch({"***": results(CL4)}))
    assert not CallProvenance.objects.filter(missing_since__isnull=False).exists()


def test_with_no_network_the_daily_job_logs_one_line_and_the_portal_keeps_working(
    monkeypatch, caplog, client
):
    """The real client against a local port nothing listens on (settings_test)."""
    monkeypatch.setattr(search_client, "BACKOFF", 0)
    query(name="Cooperatives", keywords="cooperative")
    query(name="Paused", active=False)
    with caplog.at_level(logging.INFO, logger="funding"):
        tasks.import_eu_calls()
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1
    message = errors[0].getMessage()
    assert "'Cooperatives' failed, nothing imported" in message and "cannot connect" in message
    failed = SourceQuery.objects.get(name="Cooperatives")
    assert failed.last_run_ok is False and failed.last_run_at is not None
    assert SourceQuery.objects.get(name="Paused").last_run_at is None
    assert client.get(reverse("funding:call-list")).status_code == 200


def test_the_job_runs_daily_in_rome_time():
    entry = settings.CELERY_BEAT_SCHEDULE["funding-import-eu-calls"]
    assert entry["task"] == "funding.import_eu_calls"
    assert settings.CELERY_TIMEZONE == "Europe/Rome"
    assert entry["schedule"].hour == {5} and entry["schedule"].minute == {40}


def test_the_command_runs_the_queries_and_says_what_it_did(monkeypatch):
    query(name="Cooperatives")
    monkeypatch.setattr(search_client.requests, "Session", lambda: FakeSearch({"***": results()}))
    out = StringIO()
    call_command("import_eu_calls", stdout=out)
    assert "Cooperatives: 5 fetched, 5 created" in out.getvalue()
    assert "0 no longer in the source" in out.getvalue()


def test_the_command_fails_clearly_offline_and_for_unknown_queries(monkeypatch):
    monkeypatch.setattr(search_client, "BACKOFF", 0)
    with pytest.raises(CommandError, match="no active source query"):
        call_command("import_eu_calls")
    query(name="Cooperatives")
    with pytest.raises(CommandError, match="no source query named Nope"):
        call_command("import_eu_calls", "--query=Nope")
    err = StringIO()
    with pytest.raises(CommandError, match="1 of 1 source queries failed"):
        call_command("import_eu_calls", "--query=Cooperatives", stderr=err)
    assert "Cooperatives: failed, nothing imported" in err.getvalue()
    with pytest.raises(CommandError, match="not both"):
        call_command("import_eu_calls", "--query=Cooperatives", "--file=x.json")


def test_staff_set_up_a_query_in_the_admin_and_run_it(
    client, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(search_client, "BACKOFF", 0)
    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    add = reverse("admin:funding_sourcequery_add")
    assert client.get(add).status_code == 200
    response = client.post(
        add,
        {
            "name": "Social economy",
            "active": "on",
            "programmes": ["43252476", "43254019"],
            "statuses": [STATUS_OPEN],
            "keywords": "social economy\r\n cooperative  \r\n",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    saved = SourceQuery.objects.get()
    assert saved.programmes == ["43252476", "43254019"] and saved.statuses == [STATUS_OPEN]
    assert saved.keyword_list() == ["social economy", "cooperative"] and not saved.publish
    bad = client.post(add, {"name": "Too long", "statuses": [STATUS_OPEN], "keywords": "x" * 101})
    assert bad.status_code == 200 and SourceQuery.objects.count() == 1
    nothing = client.post(add, {"name": "No status", "statuses": ["12345"]})
    assert nothing.status_code == 200 and SourceQuery.objects.count() == 1
    changelist = reverse("admin:funding_sourcequery_changelist")
    monkeypatch.setattr(search_client.requests, "Session", lambda: FakeSearch({}))
    # The action queues the task after commit; tasks run in process in tests.
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            changelist,
            {"action": "run_now", "_selected_action": [saved.pk]},
            follow=True,
        )
    assert "1 query will run in the background" in done.content.decode()
    saved.refresh_from_db()
    assert saved.last_run_ok is True and saved.last_run_counts["fetched"] == 0
    listed = client.get(changelist).content.decode()
    assert "0 topics fetched: 0 new" in listed


def test_only_staff_reach_the_source_queries():
    from django.test import Client

    outsider = Client()
    outsider.force_login(UserFactory())
    response = outsider.get(reverse("admin:funding_sourcequery_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]

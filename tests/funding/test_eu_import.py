"""Importing real EU Funding & Tenders records (tests/funding/eu_records/, as published, cut
fields and stale statuses included): the right calls, every deadline with its zone, budgets,
links; importing again changes nothing; staff's edits stay; a call entered by hand is linked;
malformed records are reported and skipped; new topics are drafts unless published."""

import copy
import datetime
import json
from decimal import Decimal
from io import StringIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEntry, Delivery
from funding.eu_topics import importer, records
from funding.models import AlertDispatch, AlertPreference, Call, CallProvenance
from tests.core.factories import UserFactory
from tests.funding.factories import CallFactory, FollowFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db

RECORDS = Path(__file__).parent / "eu_records"
FILES = sorted(RECORDS.glob("*.json"))
UTC = datetime.UTC


def record(name):
    return json.loads((RECORDS / f"{name}.json").read_text())


def import_all(**kwargs):
    out = StringIO()
    call_command("import_eu_calls", *[f"--file={path}" for path in FILES], stdout=out, **kwargs)
    return out.getvalue()


def deadlines(call):
    return [(d.due_at, d.time_zone, d.label) for d in call.deadlines.order_by("due_at")]


def test_the_real_records_become_the_right_calls():
    output = import_all()
    assert "6 created" in output and "0 rejected" in output
    two_stage = Call.objects.get(identifier="HORIZON-MISS-2027-05-SOIL-01-two-stage")
    assert two_stage.title.startswith("Living labs to enhance soil health")
    assert two_stage.programme.acronym == "HORIZON"
    assert deadlines(two_stage) == [
        # The index writes these dates as midnight UTC: that day at 17:00 Brussels time.
        (datetime.datetime(2027, 4, 8, 15, 0, tzinfo=UTC), "Europe/Brussels", "Stage 1"),
        (datetime.datetime(2027, 9, 14, 15, 0, tzinfo=UTC), "Europe/Brussels", "Stage 2"),
    ]
    assert two_stage.official_url.endswith("/topic-details/HORIZON-MISS-2027-05-SOIL-01-two-stage")
    assert two_stage.total_budget is None  # its budgetOverview was cut: no budget, not a wrong one
    assert "<" not in two_stage.description and "Mission Soil" in two_stage.description
    governance = Call.objects.get(identifier="HORIZON-CL6-2026-04-GOVERNANCE-01")
    assert governance.total_budget == Decimal("60000000")
    cosme = Call.objects.get(identifier="SMP-COSME-2024-CLUSTER-01")  # a topicDetails document
    assert cosme.programme.acronym == "SMP"
    assert cosme.total_budget == Decimal("42000000")
    assert "- Number of partnerships;" in cosme.description
    # The offset of the published date is kept: 19:00 at +02:00 is 17:00 UTC.
    cl5 = Call.objects.get(identifier="HORIZON-CL5-2024-D2-01-03")
    assert deadlines(cl5)[0][0] == datetime.datetime(2024, 4, 18, 17, 0, tzinfo=UTC)
    assert cl5.official_url.endswith("/topic-details/horizon-cl5-2024-d2-01-03")


def test_a_stale_status_does_not_keep_a_past_topic_open():
    import_all()
    stale = Call.objects.get(identifier="HORIZON-CL2-2024-TRANSFORMATIONS-01-08")
    assert stale.provenance.record["metadata"]["status"] == ["31094501"]  # "forthcoming"
    assert stale.current_status == Call.Status.CLOSED
    assert stale.official_url.startswith(
        "https://ec.europa.eu/"
    ) and not stale.official_url.endswith(".json")


def test_every_imported_call_keeps_its_provenance_and_lands_as_a_draft():
    import_all()
    for call in Call.objects.all():
        provenance = call.provenance
        assert provenance.source == CallProvenance.Source.EU_FUNDING_TENDERS
        assert provenance.source_identifier == call.identifier
        assert provenance.fetched_at and provenance.checked_at and provenance.record
        assert call.publication_state == Call.PublicationState.DRAFT
        assert call.source == "EU Funding & Tenders portal" and not call.is_demo


def test_importing_again_changes_nothing():
    import_all()
    before = {
        call.pk: (call.title, call.description, call.total_budget, deadlines(call), call.updated_at)
        for call in Call.objects.all()
    }
    output = import_all()
    assert "0 created, 0 updated" in output and "6 unchanged" in output
    after = {
        call.pk: (call.title, call.description, call.total_budget, deadlines(call), call.updated_at)
        for call in Call.objects.all()
    }
    assert after == before


def test_a_moved_deadline_updates_the_call():
    original = record("HORIZON-CL4-2027-04-DIGITAL-EMERGING-10")
    importer.import_records([original])
    moved = copy.deepcopy(original)
    moved["metadata"]["deadlineDate"] = ["2027-04-15T17:00:00.000+0200"]
    report = importer.import_records([moved])
    assert report.updated == ["HORIZON-CL4-2027-04-DIGITAL-EMERGING-10"]
    call = Call.objects.get(identifier="HORIZON-CL4-2027-04-DIGITAL-EMERGING-10")
    assert deadlines(call) == [
        (datetime.datetime(2027, 4, 15, 15, 0, tzinfo=UTC), "Europe/Brussels", "")
    ]


def test_what_staff_changed_stays_and_the_difference_is_noted():
    original = record("HORIZON-CL6-2026-04-GOVERNANCE-01")
    importer.import_records([original])
    call = Call.objects.get(identifier="HORIZON-CL6-2026-04-GOVERNANCE-01")
    call.title_en = "Food systems governance (staff's English title)"
    call.save()
    changed = copy.deepcopy(original)
    changed["metadata"]["title"] = ["A new title from the source"]
    changed["metadata"]["deadlineDate"] = ["2026-12-10T17:00:00.000+0100"]
    importer.import_records([changed])
    call.refresh_from_db()
    assert call.title_en == "Food systems governance (staff's English title)"
    assert call.provenance.differences == {"title": "A new title from the source"}
    assert deadlines(call)[0][0] == datetime.datetime(2026, 12, 10, 16, 0, tzinfo=UTC)


def test_the_import_fills_english_only_and_staffs_italian_stays():
    original = record("HORIZON-CL6-2026-04-GOVERNANCE-01")
    importer.import_records([original])
    call = Call.objects.get(identifier="HORIZON-CL6-2026-04-GOVERNANCE-01")
    assert call.title_en and call.summary_en and call.description_en
    assert not (call.title_it or call.summary_it or call.description_it)
    call.title_it = "Governance dei sistemi alimentari (titolo dello staff)"
    call.save()
    changed = copy.deepcopy(original)
    changed["metadata"]["title"] = ["A new title from the source"]
    importer.import_records([changed])
    importer.import_records([changed])  # again: nothing more changes
    call.refresh_from_db()
    assert call.title_it == "Governance dei sistemi alimentari (titolo dello staff)"
    assert call.title_en == "A new title from the source"
    assert call.provenance.differences == {}


def test_a_call_entered_by_hand_is_linked_not_duplicated():
    horizon = ProgrammeFactory(acronym="HORIZON", name="Horizon Europe")
    by_hand = CallFactory(
        programme=horizon,
        identifier="HORIZON-CL6-2026-04-GOVERNANCE-01",
        title="Governance (inserito a mano)",
        language="it",
        description="",
        total_budget=None,
    )
    report = importer.import_records([record("HORIZON-CL6-2026-04-GOVERNANCE-01")])
    assert report.linked == ["HORIZON-CL6-2026-04-GOVERNANCE-01"] and not report.created
    assert Call.objects.count() == 1
    by_hand.refresh_from_db()
    assert by_hand.title_it == "Governance (inserito a mano)"  # staff's, in Italian
    assert by_hand.title_en.startswith("Additional activities")  # English was empty: filled
    assert by_hand.total_budget == Decimal("60000000")  # empty before: filled from the source
    assert "title" not in by_hand.provenance.differences


def test_a_call_entered_by_hand_in_english_keeps_its_english_title():
    horizon = ProgrammeFactory(acronym="HORIZON", name="Horizon Europe")
    by_hand = CallFactory(
        programme=horizon,
        identifier="HORIZON-CL6-2026-04-GOVERNANCE-01",
        title_en="Governance (entered by hand)",
        description="",
        total_budget=None,
    )
    importer.import_records([record("HORIZON-CL6-2026-04-GOVERNANCE-01")])
    by_hand.refresh_from_db()
    assert by_hand.title_en == "Governance (entered by hand)"  # staff's
    assert by_hand.provenance.differences["title"].startswith("Additional activities")


def test_malformed_records_are_reported_and_the_rest_imported(caplog):
    good = record("HORIZON-CL5-2024-D2-01-03")
    no_id = copy.deepcopy(good)
    no_id["metadata"]["identifier"] = []
    tender = copy.deepcopy(record("HORIZON-CL4-2027-04-DIGITAL-EMERGING-10"))
    tender["metadata"]["type"] = ["0"]
    bad_date = copy.deepcopy(record("HORIZON-CL6-2026-04-GOVERNANCE-01"))
    bad_date["metadata"]["deadlineDate"] = ["someday"]
    unknown = copy.deepcopy(record("HORIZON-CL2-2024-TRANSFORMATIONS-01-08"))
    unknown["metadata"]["frameworkProgramme"] = ["99999999"]
    report = importer.import_records([no_id, tender, good, bad_date, unknown, "text"])
    assert report.created == ["HORIZON-CL5-2024-D2-01-03"]
    reasons = [reason for _what, reason in report.rejected]
    assert len(reasons) == 5
    assert "no identifier" in reasons[0] and "tender" in reasons[1]
    assert "unreadable date" in reasons[2] and "unknown frameworkProgramme" in reasons[3]
    assert Call.objects.count() == 1 and CallProvenance.objects.count() == 1
    assert sum("rejected" in line.message for line in caplog.records) == 5


def test_the_command_reads_every_file_shape_and_refuses_an_unreadable_file(tmp_path):
    results = [record(path.stem) for path in FILES if "topicDetails" not in path.name]
    envelope = tmp_path / "envelope.json"
    envelope.write_text(json.dumps({"totalResults": len(results), "results": results}))
    listed = tmp_path / "list.json"
    listed.write_text(json.dumps(results[:2]))
    out = StringIO()
    call_command("import_eu_calls", f"--file={envelope}", f"--file={listed}", stdout=out)
    assert "5 created" in out.getvalue() and "2 unchanged" in out.getvalue()
    broken = tmp_path / "broken.json"
    broken.write_text('{"results": [')
    with pytest.raises(CommandError):
        call_command("import_eu_calls", f"--file={broken}")
    with pytest.raises(records.UnreadableFile):
        records.records_in({"something": "else"})


def test_publishing_at_import_goes_through_the_publishing_service():
    import_all(publish=True)
    assert not Call.objects.exclude(publication_state=Call.PublicationState.PUBLISHED).exists()
    assert AuditEntry.objects.filter(action=AuditEntry.Action.CALL_PUBLISHED).count() == 6
    assert AlertDispatch.objects.count() == 6
    assert all(call.published_at <= timezone.now() for call in Call.objects.all())


def test_the_call_admin_shows_where_an_imported_call_came_from(staff_client):
    importer.import_records([record("HORIZON-CL6-2026-04-GOVERNANCE-01")])
    call = Call.objects.get()
    call.title_en = "Staff's title"
    call.save()
    changed = record("HORIZON-CL6-2026-04-GOVERNANCE-01")
    changed["metadata"]["title"] = ["Title the source gives"]
    importer.import_records([changed])
    page = staff_client.get(reverse("admin:funding_call_change", args=[call.pk])).content.decode()
    assert "HORIZON-CL6-2026-04-GOVERNANCE-01" in page and "Title the source gives" in page
    hand = CallFactory()
    page = staff_client.get(reverse("admin:funding_call_change", args=[hand.pk]))
    assert page.status_code == 200


def moved(original, *dates):
    changed = copy.deepcopy(original)
    changed["metadata"]["deadlineDate"] = list(dates)
    return changed


def test_followers_of_a_published_call_hear_once_that_its_deadline_moved(
    django_capture_on_commit_callbacks, mailoutbox
):
    original = record("HORIZON-CL4-2027-04-DIGITAL-EMERGING-10")
    importer.import_records([original], publish=True)
    call = Call.objects.get()
    follower, stopped = UserFactory(language="en"), UserFactory()
    FollowFactory(user=follower, call=call)
    FollowFactory(user=stopped, call=call)
    AlertPreference.objects.create(user=stopped, reminders_off_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        importer.import_records([moved(original, "2027-04-15T17:00:00.000+0200")])
        importer.import_records([moved(original, "2027-04-15T17:00:00.000+0200")])  # again
    [row] = Delivery.objects.filter(kind="deadline-moved")
    assert row.recipient == follower
    assert "Deadline changed" in row.subject and "15 Apr 2027, 17:00 CEST" in row.body_text
    assert "18 Mar 2027, 17:00 CET" in row.body_text  # the deadline before, Brussels time
    entry = AuditEntry.objects.get(action=AuditEntry.Action.CALL_SOURCE_UPDATED)
    assert entry.target == call and entry.data["fields"] == ["deadlines"]
    assert [m.to for m in mailoutbox if "Deadline changed" in m.subject] == [[follower.email]]


def test_a_draft_calls_moved_deadline_emails_nobody():
    original = record("HORIZON-CL4-2027-04-DIGITAL-EMERGING-10")
    importer.import_records([original])
    FollowFactory(call=Call.objects.get())
    importer.import_records([moved(original, "2027-04-15T17:00:00.000+0200")])
    assert not Delivery.objects.filter(kind="deadline-moved").exists()


def test_a_status_changed_by_the_source_is_in_the_calls_history_once():
    original = record("HORIZON-CL4-2027-04-DIGITAL-EMERGING-10")
    importer.import_records([original])
    now_open = copy.deepcopy(original)
    now_open["metadata"]["status"] = ["31094502"]
    report = importer.import_records([now_open])
    assert report.updated == ["HORIZON-CL4-2027-04-DIGITAL-EMERGING-10"]
    importer.import_records([now_open])  # the same status again: nothing new
    [entry] = AuditEntry.objects.filter(action=AuditEntry.Action.CALL_SOURCE_UPDATED)
    assert entry.data["fields"] == ["source status"]
    assert (entry.data["before"], entry.data["after"]) == ("Forthcoming", "Open")
    assert "Forthcoming" in entry.details() and "Open" in entry.details()


def test_a_deadline_given_as_a_date_closes_at_17_brussels_and_a_time_given_is_kept():
    single = record("HORIZON-CL4-2027-04-DIGITAL-EMERGING-10")  # "2027-03-18T00:00:00.000+0000"
    importer.import_records([single, record("HORIZON-CL5-2024-D2-01-03")])
    [(due, zone, _label)] = deadlines(
        Call.objects.get(identifier=single["metadata"]["identifier"][0])
    )
    assert due == datetime.datetime(2027, 3, 18, 16, 0, tzinfo=UTC) and zone == "Europe/Brussels"
    # Published with its hour (19:00 at +02:00): kept as it is.
    [(due, _zone, _label)] = deadlines(Call.objects.get(identifier="HORIZON-CL5-2024-D2-01-03"))
    assert due == datetime.datetime(2024, 4, 18, 17, 0, tzinfo=UTC)
    # A per-topic document's epoch milliseconds of a midnight: the same rule.
    cosme = Call.objects.filter(identifier="SMP-COSME-2024-CLUSTER-01")
    importer.import_records([record("SMP-COSME-2024-CLUSTER-01.topicDetails")])
    assert all(
        d[0].astimezone(ZoneInfo("Europe/Brussels")).hour == 17 for d in deadlines(cosme.get())
    )

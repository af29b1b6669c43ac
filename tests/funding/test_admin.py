import json
import re

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile

from funding.models import Call, Deadline
from funding.resources import CallResource
from tests.funding.factories import (
    ApplicantTypeFactory,
    CallFactory,
    ProgrammeFactory,
    ThemeFactory,
    brussels,
)

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/funding/call/"


def test_changelist_shows_status_and_next_deadline(staff_client, open_call):
    CallFactory(publication_state=Call.PublicationState.DRAFT)
    response = staff_client.get(CHANGELIST)
    assert response.status_code == 200
    for query in ("status=open", "status=closed", "publication_state=draft", "q=Cooperative"):
        assert staff_client.get(f"{CHANGELIST}?{query}").status_code == 200


def test_call_change_form_opens(staff_client, open_call):
    assert staff_client.get(f"{CHANGELIST}{open_call.pk}/change/").status_code == 200
    assert staff_client.get(f"{CHANGELIST}add/").status_code == 200


def run_action(client, action, calls):
    return client.post(
        CHANGELIST,
        {"action": action, "_selected_action": [call.pk for call in calls]},
        follow=True,
    )


def test_publish_and_archive_actions(staff_client):
    draft = CallFactory(publication_state=Call.PublicationState.DRAFT)
    run_action(staff_client, "publish", [draft])
    draft.refresh_from_db()
    assert draft.publication_state == Call.PublicationState.PUBLISHED
    assert draft.published_at is not None
    run_action(staff_client, "archive", [draft])
    draft.refresh_from_db()
    assert draft.publication_state == Call.PublicationState.ARCHIVED


def test_duplicate_makes_a_draft_copy_with_a_new_slug(staff_client):
    theme = ThemeFactory(slug="housing")
    original = CallFactory(
        slug="renovation",
        themes=[theme],
        deadlines=[brussels(2027, 2, 1), brussels(2027, 6, 1)],
        is_demo=True,
    )
    run_action(staff_client, "duplicate", [original])
    run_action(staff_client, "duplicate", [original])
    copies = Call.objects.exclude(pk=original.pk).order_by("pk")
    assert [copy.slug for copy in copies] == ["renovation-copy", "renovation-copy-2"]
    copy = copies[0]
    assert copy.publication_state == Call.PublicationState.DRAFT
    assert copy.published_at is None
    assert list(copy.themes.all()) == [theme]
    assert [d.due_at for d in copy.deadlines.all()] == [brussels(2027, 2, 1), brussels(2027, 6, 1)]
    original.refresh_from_db()
    assert original.deadlines.count() == 2


def dataset(rows):
    headers = [
        "slug",
        "identifier",
        "programme",
        "title",
        "opens_at",
        "deadlines",
        "applicant_types",
        "themes",
        "eligible_countries",
        "publication_state",
        "language",
    ]
    data = tablib.Dataset(headers=headers)
    for row in rows:
        data.append([row.get(header, "") for header in headers])
    return data


GOOD_ROW = {
    "slug": "imported-call",
    "identifier": "LIFE-2027-SAP-ENV",
    "programme": "LIFE",
    "title": "Imported call",
    "opens_at": "2027-01-10T00:00:00+01:00",
    "deadlines": "2027-04-17 17:00 Europe/Brussels First stage; 2027-09-10 17:00 Europe/Brussels",
    "applicant_types": "cooperative|sme",
    "themes": "green-circular-economy",
    "eligible_countries": "IT,FR",
    "publication_state": "published",
    "language": "en",
}


@pytest.fixture
def vocabulary():
    ProgrammeFactory(acronym="LIFE", name="LIFE")
    ApplicantTypeFactory(code="cooperative")
    ApplicantTypeFactory(code="sme")
    ThemeFactory(slug="green-circular-economy")


def test_import_creates_calls_with_deadlines_and_eligibility(vocabulary):
    result = CallResource().import_data(
        dataset([GOOD_ROW]), dry_run=False, rollback_on_validation_errors=True
    )
    assert not result.has_errors() and not result.has_validation_errors()
    call = Call.objects.get(slug="imported-call")
    assert call.programme.acronym == "LIFE"
    assert [(d.due_at, d.label) for d in call.deadlines.all()] == [
        (brussels(2027, 4, 17, 17), "First stage"),
        (brussels(2027, 9, 10, 17), ""),
    ]
    assert sorted(t.code for t in call.applicant_types.all()) == ["cooperative", "sme"]
    assert [c.code for c in call.eligible_countries] == ["FR", "IT"]


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"programme": "NOPE"}, "NOPE"),
        ({"opens_at": "next tuesday"}, "next tuesday"),
        ({"deadlines": "2027-02-30 17:00 Europe/Brussels"}, "2027-02-30"),
        ({"deadlines": "soon"}, "soon"),
        ({"themes": "no-such-theme"}, "no-such-theme"),
        ({"applicant_types": "martians"}, "martians"),
        ({"eligible_countries": "IT,XX"}, "XX"),
        ({"publication_state": "maybe"}, "maybe"),
    ],
)
def test_a_bad_row_is_reported_and_nothing_is_saved(vocabulary, bad, message):
    rows = [GOOD_ROW, {**GOOD_ROW, "slug": "second-call", **bad}]
    result = CallResource().import_data(
        dataset(rows), dry_run=False, rollback_on_validation_errors=True
    )
    assert result.has_validation_errors() or result.has_errors()
    invalid = result.invalid_rows + [row for row in result.rows if row.errors]
    assert invalid
    assert message in str([getattr(row, "error_dict", None) or row.errors for row in invalid])
    assert not Call.objects.exists()
    assert not Deadline.objects.exists()


def test_admin_import_of_a_bad_file_reports_the_row_and_saves_nothing(staff_client, vocabulary):
    rows = [GOOD_ROW, {**GOOD_ROW, "slug": "second-call", "programme": "NOPE"}]
    upload = SimpleUploadedFile("calls.csv", dataset(rows).csv.encode(), content_type="text/csv")
    response = staff_client.post(
        f"{CHANGELIST}import/", {"import_file": upload, "format": "0", "resource": "0"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "NOPE" in page
    assert "process_import" not in page  # no confirmation form is offered
    assert not Call.objects.exists()


def test_admin_import_of_a_good_file_saves_after_confirmation(staff_client, vocabulary):
    upload = SimpleUploadedFile(
        "calls.csv", dataset([GOOD_ROW]).csv.encode(), content_type="text/csv"
    )
    page = staff_client.post(
        f"{CHANGELIST}import/", {"import_file": upload, "format": "0", "resource": "0"}
    ).content.decode()
    assert "process_import" in page
    assert not Call.objects.exists()  # the first step is a dry run
    hidden = dict(re.findall(r'type="hidden" name="(\w+)" value="([^"]*)"', page))
    hidden.update(re.findall(r'name="(\w+)" value="([^"]*)" type="hidden"', page))
    fields = {
        name: hidden[name]
        for name in ("import_file_name", "original_file_name", "format", "resource")
        if name in hidden
    }
    response = staff_client.post(f"{CHANGELIST}process_import/", fields)
    assert response.status_code == 302
    assert Call.objects.get().deadlines.count() == 2


def test_export_to_json_round_trips_deadlines(staff_client, vocabulary):
    CallResource().import_data(dataset([GOOD_ROW]), dry_run=False)
    exported = json.loads(CallResource().export().json)
    assert exported[0]["deadlines"] == (
        "2027-04-17 17:00 Europe/Brussels First stage; 2027-09-10 17:00 Europe/Brussels"
    )
    assert exported[0]["programme"] == "LIFE"
    Call.objects.all().delete()
    data = tablib.Dataset().load(json.dumps(exported), format="json")
    result = CallResource().import_data(data, dry_run=False, rollback_on_validation_errors=True)
    assert not result.has_errors() and not result.has_validation_errors()
    assert Call.objects.get().deadlines.count() == 2


def test_admin_offers_csv_and_json_export(staff_client, open_call):
    response = staff_client.get(f"{CHANGELIST}export/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "csv" in page and "json" in page

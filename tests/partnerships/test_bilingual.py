"""Bilingual partnership requests: members write title, summary and description in Italian,
in English or both; readers get their language, else the other one marked; the list's search
finds words of either language; the admin edits both side by side."""

import pytest
from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from partnerships.models import PartnershipRequest
from tests.members.factories import theme
from tests.partnerships.factories import PartnershipRequestFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def both(coop):
    return PartnershipRequestFactory(
        owner=coop,
        title_it="Cerchiamo sensori per le serre",
        title_en="Looking for greenhouse sensors",
        summary_it="Sensori di umidità a basso consumo.",
        summary_en="Low-power humidity sensors.",
        description_it="Per tre serre in Romagna.",
        description_en="For three greenhouses in Romagna.",
    )


@pytest.fixture
def italian_only(coop):
    return PartnershipRequestFactory(
        owner=coop, title="Partner per il riuso tessile", summary="Economia circolare."
    )


def as_member(client, user, language):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


@pytest.mark.parametrize(
    ("language", "shown", "hidden"),
    [
        ("it", "Cerchiamo sensori per le serre", "Looking for greenhouse sensors"),
        ("en", "Looking for greenhouse sensors", "Cerchiamo sensori per le serre"),
    ],
)
def test_request_page_in_the_readers_language(client, coop_viewer, both, language, shown, hidden):
    page = as_member(client, coop_viewer, language).get(both.get_absolute_url()).content.decode()
    assert shown in page and hidden not in page
    assert f'<h1 class="h3" lang="{language}">' in page
    assert 'data-testid="fallback-note"' not in page


def test_italian_only_request_is_marked_for_english_readers(client, coop_viewer, italian_only):
    client = as_member(client, coop_viewer, "en")
    page = client.get(italian_only.get_absolute_url()).content.decode()
    assert '<h1 class="h3" lang="it">Partner per il riuso tessile</h1>' in page
    assert "Only available in Italian" in page
    listing = client.get(reverse("partnerships:request-list")).content.decode()
    assert 'lang="it">Partner per il riuso tessile</a>' in listing
    assert "Only available in Italian" in listing


def test_list_search_finds_words_of_either_language(client, coop_viewer, both, italian_only):
    client = as_member(client, coop_viewer, "en")
    for words in ("serre", "greenhouse", "humidity"):
        found = client.get(reverse("partnerships:request-list"), {"q": words}).context
        assert [r.pk for r in found["requests"]] == [both.pk], words


def form_data(coop, **texts):
    return {
        "owner": coop.pk,
        "kind": "technology_offer",
        "sought_countries": ["TN"],
        "sought_themes": [theme("digital-transition").pk],
        **texts,
    }


def test_a_member_may_write_in_english_only(client, coop, coop_editor):
    client = as_member(client, coop_editor, "it")
    data = form_data(coop, title_en="We offer a web ERP", summary_en="For social cooperatives.")
    response = client.post(reverse("partnerships:request-create"), data)
    assert response.status_code == 302
    request = PartnershipRequest.objects.get()
    assert (request.title_en, request.title_it) == ("We offer a web ERP", None)
    assert request.title == "We offer a web ERP"  # Italian reader: the English fallback


def test_title_and_summary_are_needed_in_one_language_at_least(client, coop, coop_editor):
    client = as_member(client, coop_editor, "en")
    response = client.post(
        reverse("partnerships:request-create"), form_data(coop, title_it="Solo il titolo")
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "summary_it" in errors and "summary_en" in errors and "title_en" not in errors
    assert not PartnershipRequest.objects.exists()
    form = response.context["form"]
    assert str(form.fields["title_it"].label) == "Title (Italian)"
    assert str(form.fields["title_en"].label) == "Title (English)"


def test_admin_change_form_has_both_languages_side_by_side(staff_client, both):
    response = staff_client.get(
        reverse("admin:partnerships_partnershiprequest_change", args=[both.pk])
    )
    page = response.content.decode()
    for name in ("title", "summary", "description"):
        assert f'name="{name}_it"' in page and f'name="{name}_en"' in page
    assert 'name="title"' not in page and 'name="summary"' not in page
    fields = response.context["adminform"].form.fields
    assert not fields["title_it"].required and not fields["title_en"].required


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_data_migration_copies_text_into_the_italian_columns(coop):
    before = [("partnerships", "0002_request_events_in_audit_log")]
    after = [("partnerships", "0003_request_bilingual_text")]
    executor = MigrationExecutor(connection)
    old_apps = executor.migrate(before).apps
    OldRequest = old_apps.get_model("partnerships", "PartnershipRequest")
    OldRequest.objects.create(
        owner_id=coop.pk, kind="research", title="Ricerca", summary="Sintesi", description=""
    )
    try:
        executor.loader.build_graph()
        new_apps = executor.migrate(after).apps
        NewRequest = new_apps.get_model("partnerships", "PartnershipRequest")
        row = NewRequest.objects.get(title="Ricerca")
        assert (row.title_it, row.summary_it, row.title_en) == ("Ricerca", "Sintesi", None)
        NewRequest.objects.filter(pk=row.pk).update(title_it="", title_en="Research")
        executor.loader.build_graph()
        old_apps = executor.migrate(before).apps
        back = old_apps.get_model("partnerships", "PartnershipRequest").objects.get(pk=row.pk)
        assert (back.title, back.summary) == ("Research", "Sintesi")
    finally:
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())

"""Bilingual calls: title, summary and description in Italian and English (modeltranslation).

Pages, feeds and emails show the reader's language, else the other one marked as such; the
search finds a call by words of either language (SQLite FTS5 and PostgreSQL); the admin edits
both side by side; the data migration put today's text in the column of its language.
"""

import datetime
import xml.etree.ElementTree as ET

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import translation

from core.bilingual import translated
from funding.models import Call
from funding.tasks import send_reminders
from tests.core.factories import UserFactory
from tests.funding.factories import CallFactory, FollowFactory

pytestmark = pytest.mark.django_db

ROME = datetime.timezone(datetime.timedelta(hours=1))


@pytest.fixture
def both():
    return CallFactory(
        slug="both",
        title_it="Comunità energetiche cooperative",
        title_en="Cooperative energy communities",
        summary_it="Contributi per impianti fotovoltaici condivisi.",
        summary_en="Grants for shared solar plants.",
        description_it="Le cooperative di utenti possono partecipare.",
        description_en="User cooperatives may take part.",
    )


@pytest.fixture
def english_only():
    return CallFactory(
        slug="english-only",
        title_en="Blue economy for small-scale fisheries",
        summary_en="Support for fishing cooperatives.",
        description_en="Partners from coastal regions.",
    )


def in_language(client, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


# --- The helper ---------------------------------------------------------------------------


def test_translated_gives_the_readers_language_else_the_other_marked(both, english_only):
    with translation.override("it"):
        title = translated(both, "title")
        assert (title, title.lang, title.is_fallback) == (
            "Comunità energetiche cooperative",
            "it",
            False,
        )
        fallback = translated(english_only, "title")
        assert (fallback.lang, fallback.is_fallback) == ("en", True)
        assert str(fallback.note) == "Disponibile solo in inglese"
        assert english_only.title == "Blue economy for small-scale fisheries"
    with translation.override("en"):
        assert translated(both, "summary") == "Grants for shared solar plants."
        assert not translated(english_only, "title").is_fallback


# --- Pages --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "shown", "hidden"),
    [
        ("it", "Comunità energetiche cooperative", "Cooperative energy communities"),
        ("en", "Cooperative energy communities", "Comunità energetiche cooperative"),
    ],
)
def test_call_page_shows_the_readers_language(client, both, language, shown, hidden):
    page = in_language(client, language).get(both.get_absolute_url()).content.decode()
    assert shown in page and hidden not in page
    assert f'<h1 class="h3" lang="{language}">' in page
    assert 'data-testid="fallback-note"' not in page


def test_call_page_falls_back_to_the_other_language_and_says_so(client, english_only):
    page = in_language(client, "it").get(english_only.get_absolute_url()).content.decode()
    assert '<h1 class="h3" lang="en">Blue economy for small-scale fisheries</h1>' in page
    assert 'data-testid="fallback-note"' in page and "Disponibile solo in inglese" in page
    assert '<div class="call-description" lang="en">' in page


def test_italian_only_call_is_marked_for_english_readers(client):
    call = CallFactory(title="Bando regionale per le cooperative", language="it")
    page = in_language(client, "en").get(call.get_absolute_url()).content.decode()
    assert 'lang="it">Bando regionale per le cooperative' in page
    assert "Only available in Italian" in page


def test_catalogue_cards_in_both_languages_with_fallback_marked(client, both, english_only):
    page = in_language(client, "en").get("/calls/").content.decode()
    assert "Cooperative energy communities" in page and "Comunità energetiche" not in page
    assert page.count('data-testid="fallback-note"') == 0
    page = in_language(client, "it").get("/calls/").content.decode()
    assert "Comunità energetiche cooperative" in page
    assert page.count('data-testid="fallback-note"') == 1  # the English-only call


# --- Search -------------------------------------------------------------------------------


def test_search_finds_a_call_by_words_of_either_language(both, english_only):
    """Both databases: the FTS5 index (SQLite) and the stored vector (PostgreSQL)."""
    assert [c.slug for c in Call.objects.search("fotovoltaici")] == ["both"]  # Italian only
    assert [c.slug for c in Call.objects.search("solar plants")] == ["both"]  # English only
    assert [c.slug for c in Call.objects.search("fisheries")] == ["english-only"]


def test_catalogue_search_in_italian_shows_the_english_text(client, both):
    page = in_language(client, "en").get("/calls/", {"q": "fotovoltaici"}).content.decode()
    assert "Cooperative energy communities" in page


def test_an_added_translation_is_searchable_at_once(english_only):
    english_only.title_it = "Economia blu per la piccola pesca costiera"
    english_only.save()
    assert [c.slug for c in Call.objects.search("pesca costiera")] == ["english-only"]
    Call.objects.filter(pk=english_only.pk).update(summary_it="Sostegno ai pescatori")
    assert [c.slug for c in Call.objects.search("pescatori")] == ["english-only"]


# --- Feeds --------------------------------------------------------------------------------


def rss_titles(client, language):
    response = in_language(client, language).get("/calls/feed.rss")
    root = ET.fromstring(response.content)
    return {item.findtext("title"): item.findtext("description") for item in root.iter("item")}


def test_rss_is_in_the_readers_language_with_fallback(client, both, english_only):
    italian = rss_titles(client, "it")
    assert f"{both.identifier} \u2013 Comunità energetiche cooperative" in italian
    assert f"{english_only.identifier} \u2013 Blue economy for small-scale fisheries" in italian
    english = rss_titles(client, "en")
    assert english[f"{both.identifier} \u2013 Cooperative energy communities"] == (
        "Grants for shared solar plants."
    )


def test_ics_is_in_the_readers_language(client, both):
    it = in_language(client, "it").get("/calls/feed.ics").content.decode()
    en = in_language(client, "en").get("/calls/feed.ics").content.decode()
    assert "Comunità energetiche cooperative" in it and "Cooperative energy" not in it
    assert "Cooperative energy communities" in en


# --- Emails -------------------------------------------------------------------------------


def reminder_subjects(run_on_commit, mailoutbox, due):
    start = due.date() - datetime.timedelta(days=14)
    moment = datetime.datetime.combine(start, datetime.time(8, 0), tzinfo=ROME)
    with time_machine.travel(moment, tick=False):
        run_on_commit(send_reminders.delay)
    return {message.to[0]: message for message in mailoutbox}


def test_reminder_is_in_the_recipients_language_with_fallback_marked(run_on_commit, mailoutbox):
    due = datetime.datetime(2026, 12, 31, 17, 0, tzinfo=ROME)
    both = CallFactory(title_it="Bando in italiano", title_en="Call in English", deadlines=[due])
    italian_only = CallFactory(title="Solo italiano", language="it", deadlines=[due])
    anna, john = UserFactory(language="it"), UserFactory(language="en")
    for user in (anna, john):
        FollowFactory(call=both, user=user)
    FollowFactory(call=italian_only, user=john)
    sent = mailoutbox
    reminder_subjects(run_on_commit, mailoutbox, due)
    subjects = sorted((m.to[0], m.subject) for m in sent)
    assert (anna.email, "14 giorni alla scadenza: Bando in italiano") in subjects
    assert (john.email, "14 days to the deadline: Call in English") in subjects
    fallback = next(m for m in sent if m.subject.endswith("Solo italiano"))
    assert "Solo italiano (Only available in Italian)" in fallback.body
    assert 'lang="it">Solo italiano</a>' in fallback.alternatives[0][0]


# --- Admin --------------------------------------------------------------------------------


def test_admin_change_form_has_both_languages_side_by_side(staff_client, both):
    response = staff_client.get(reverse("admin:funding_call_change", args=[both.pk]))
    page = response.content.decode()
    for name in ("title", "summary", "description"):
        assert f'name="{name}_it"' in page and f'name="{name}_en"' in page
    assert 'name="title"' not in page
    assert "Comunità energetiche cooperative" in page and "Cooperative energy communities" in page


def test_admin_needs_a_title_in_one_language_at_least(staff_client, both):
    url = reverse("admin:funding_call_change", args=[both.pk])
    form = staff_client.get(url).context["adminform"].form
    assert not form.fields["title_it"].required and not form.fields["title_en"].required
    data = {"title_it": "", "title_en": ""}
    bound = type(form)(data=data, instance=both)
    assert not bound.is_valid()
    assert "title_it" in bound.errors and "title_en" in bound.errors


def test_admin_search_finds_either_language(staff_client, both):
    changelist = reverse("admin:funding_call_changelist")
    for words in ("Comunità energetiche", "energy communities"):
        response = staff_client.get(changelist, {"q": words})
        assert list(response.context["cl"].result_list) == [both]


# --- Data migration -------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_data_migration_copies_text_into_its_languages_column():
    before, after = (
        [("funding", "0011_eu_source_queries")],
        [("funding", "0012_call_bilingual_text")],
    )
    old_apps = MigrationExecutor(connection).migrate(before).apps
    executor = MigrationExecutor(connection)
    OldCall = old_apps.get_model("funding", "Call")
    programme = old_apps.get_model("funding", "Programme").objects.create(
        name="P", acronym="P-MIG", level="eu"
    )
    common = {"programme": programme, "summary": "", "description": ""}
    OldCall.objects.create(slug="it", identifier="IT", title="Bando", language="it", **common)
    OldCall.objects.create(slug="en", identifier="EN", title="Call", language="en", **common)
    OldCall.objects.create(slug="fr", identifier="FR", title="Appel", language="fr", **common)
    try:
        executor.loader.build_graph()
        new_apps = executor.migrate(after).apps
        NewCall = new_apps.get_model("funding", "Call")
        rows = {
            c.slug: (c.title_it, c.title_en)
            for c in NewCall.objects.filter(programme__acronym="P-MIG")
        }
        assert rows == {"it": ("Bando", None), "en": (None, "Call"), "fr": (None, "Appel")}
        # Back again: the one column holds the call's own language's text.
        NewCall.objects.filter(slug="it").update(title_it="Bando nuovo", title_en="New call")
        executor.loader.build_graph()
        old_apps = executor.migrate(before).apps
        titles = dict(
            old_apps.get_model("funding", "Call")
            .objects.filter(programme__acronym="P-MIG")
            .values_list("slug", "title")
        )
        assert titles == {"it": "Bando nuovo", "en": "Call", "fr": "Appel"}
    finally:
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())

"""Full-text search of calls on SQLite, the embedded default: an FTS5 index of word stems.

PostgreSQL searches the stored `Call.search_vector` (GIN index, migration 0003). SQLite has
no stemming of its own, so the text is stemmed here, in Python, before FTS5 sees it: every
word is indexed as its Italian and its English Snowball stem (of the word as written and with
its accents folded), and a query word matches if any of its stems does. Calls are mostly
English and regional ones Italian, and a person may type either language: "cooperativa" and
"cooperative" both become "cooper". FTS5 then gives words in any order and bm25 ranking.

The index is a table of its own, `funding_call_fts` (rowid = call id), created by migration
0008 on SQLite only; each text column holds the call's Italian and English text together.
`Call.save()` re-indexes the call, a trigger drops the row of a deleted call (whatever
deletes it), and `rebuild()` re-indexes everything after bulk writes.

User text never reaches FTS5's query syntax: it is split into words here and every stem is
a double-quoted string, so quotes, NEAR, *, -, ^, column filters and parentheses are plain
text.
"""

import re
import unicodedata
from functools import lru_cache

import snowballstemmer
from django.db import connection as default_connection
from django.db.models import F, FloatField, Func

TABLE = "funding_call_fts"
DELETE_TRIGGER = "funding_call_fts_delete"
# bm25 weight of each column, in the table's column order: identifier and title count most.
COLUMNS = ("identifier", "title", "summary", "description")
WEIGHTS = (8.0, 8.0, 3.0, 1.0)
# Titles, summaries and descriptions are bilingual (funding/translation.py): a column of the
# index holds the Italian and the English text, so a word of either language finds the call.
LANGUAGES = ("it", "en")
SOURCE_COLUMNS = ", ".join(
    ["identifier", *(f"{name}_{language}" for name in COLUMNS[1:] for language in LANGUAGES)]
)
# A query keeps its first words only: enough for any real search, bounded work for any input.
MAX_QUERY_WORDS = 16
PREFIX_MIN_LENGTH = 5
CHUNK = 500

# Words that carry no meaning in a search; dropped from a query unless nothing else is left.
_STOPWORDS = """
    a ad al alla alle agli ai all con da dal dalla dalle dei degli del della delle di e ed
    gli i il in la le lo nei nel nella nelle o per su sul sulla tra fra un una uno che
    an and are as at be by for from in into is it of on or the their to with
"""
STOPWORDS = frozenset(_STOPWORDS.split())

_WORD = re.compile(r"[^\W_]+")
_STEMMERS = (snowballstemmer.stemmer("italian"), snowballstemmer.stemmer("english"))


def _fold(word):
    """The word without accents: "comunità" -> "comunita"."""
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def words(text):
    """The lower-case words of `text` (letters and digits; anything else separates)."""
    return _WORD.findall((text or "").replace("\x00", " ").lower())


@lru_cache(maxsize=50_000)
def stems(word):
    """The Italian and English stems of `word` and of its accent-folded form, accents folded."""
    forms = {word, _fold(word)}
    return tuple(sorted({_fold(stemmer.stemWord(form)) for form in forms for stemmer in _STEMMERS}))


def indexed_text(text):
    """`text` as the index stores it: each word replaced by its stems."""
    return " ".join(" ".join(stems(word)) for word in words(text))


def query_words(text):
    """The words of a query that are searched: its first words, stop words dropped.

    If only stop words are left, they are searched rather than nothing.
    """
    found = list(dict.fromkeys(words(text)))[:MAX_QUERY_WORDS]
    # Single letters are elisions and initials ("l'energia"): they must not be required.
    return [word for word in found if word not in STOPWORDS and len(word) > 1] or found


def stem_prefix(word):
    """The Italian stem of `word` when long enough to be matched as a prefix, else None.

    Italian derives words from one root with suffixes the stemmer keeps apart: "energia"
    (energ), "energetiche" (energet), "energy" (energi). Matching the root as a prefix finds
    them all; short roots are matched whole, or "arte" (art) would find "artificial".
    """
    prefix = _STEMMERS[0].stemWord(word)
    return prefix if len(prefix) >= PREFIX_MIN_LENGTH else None


def match_expression(text):
    """An FTS5 query matching calls that contain every word of `text` (any stem of each).

    None when `text` has no word at all (nothing can match).
    """
    groups = []
    for word in query_words(text):
        terms = ['"{}"'.format(stem.replace('"', '""')) for stem in stems(word)]
        prefix = stem_prefix(_fold(word))
        if prefix:
            terms.append('"{}" *'.format(_fold(prefix).replace('"', '""')))
        groups.append("({})".format(" OR ".join(terms)))
    return " AND ".join(groups) or None


def tsquery_text(text):
    """The same query for PostgreSQL's to_tsquery (raw syntax, 'simple' configuration).

    Only letters and digits reach it (`words`), so user text cannot break its syntax.
    """
    groups = []
    for word in query_words(text):
        terms = sorted({word, *(stemmer.stemWord(word) for stemmer in _STEMMERS)})
        prefix = stem_prefix(word)
        if prefix:
            terms.append(f"{prefix}:*")
        groups.append("({})".format(" | ".join(terms)))
    return " & ".join(groups) or None


def rank_sql(call_id_sql):
    """SQL of the bm25 score (higher is better) of the call whose id is `call_id_sql`."""
    weights = ", ".join(str(weight) for weight in WEIGHTS)
    return (
        f"(SELECT -bm25({TABLE}, {weights}) FROM {TABLE} "
        f"WHERE {TABLE} MATCH %s AND {TABLE}.rowid = {call_id_sql})"
    )


MATCHING_IDS_SQL = f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s"


class Rank(Func):
    """The bm25 score of the outer call for an FTS5 `match` expression (a correlated lookup).

    FTS5 answers `MATCH ... AND rowid = ?` by seeking the row in the match's doclists, so
    this costs a probe per listed call, not a scan.
    """

    output_field = FloatField()

    def __init__(self, match, **extra):
        super().__init__(F("pk"), **extra)
        self.match = match

    def as_sql(self, compiler, connection, **extra_context):
        call_id_sql, params = compiler.compile(self.source_expressions[0])
        return rank_sql(call_id_sql), (self.match, *params)


# --- Keeping the index -------------------------------------------------------------------


def create_index(connection=None):
    """Create the FTS5 table and the delete trigger (SQLite only; idempotent)."""
    connection = connection or default_connection
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5("
            f"{', '.join(COLUMNS)}, tokenize = 'unicode61 remove_diacritics 2')"
        )
        # A trigger, so that every way of deleting a call (queryset, cascade, raw SQL) does it.
        cursor.execute(
            f"CREATE TRIGGER IF NOT EXISTS {DELETE_TRIGGER} AFTER DELETE ON funding_call "
            f"BEGIN DELETE FROM {TABLE} WHERE rowid = old.id; END"
        )


def drop_index(connection=None):
    connection = connection or default_connection
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TRIGGER IF EXISTS {DELETE_TRIGGER}")
        cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")


def index_calls(call_ids, connection=None):
    """(Re-)index these calls from their rows in funding_call (SQLite only)."""
    connection = connection or default_connection
    if connection.vendor != "sqlite":
        return
    call_ids = list(call_ids)
    with connection.cursor() as cursor:
        for start in range(0, len(call_ids), CHUNK):
            chunk = call_ids[start : start + CHUNK]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"DELETE FROM {TABLE} WHERE rowid IN ({marks})", chunk)
            cursor.execute(
                f"SELECT id, {SOURCE_COLUMNS} FROM funding_call WHERE id IN ({marks})", chunk
            )
            rows = [(pk, *_indexed_columns(values)) for pk, *values in cursor]
            cursor.executemany(
                f"INSERT INTO {TABLE} (rowid, {', '.join(COLUMNS)}) VALUES (%s, %s, %s, %s, %s)",
                rows,
            )


def _indexed_columns(values):
    """The index's columns from a row of SOURCE_COLUMNS: each text in both languages."""
    identifier, *texts = values
    columns = [indexed_text(identifier)]
    for start in range(0, len(texts), len(LANGUAGES)):
        columns.append(
            " ".join(indexed_text(text) for text in texts[start : start + len(LANGUAGES)])
        )
    return columns


def rebuild(connection=None):
    """Index every call again, in chunks (after bulk inserts or updates of calls)."""
    connection = connection or default_connection
    if connection.vendor != "sqlite":
        return 0
    count, last = 0, 0
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE}")
        while True:
            cursor.execute(
                "SELECT id FROM funding_call WHERE id > %s ORDER BY id LIMIT %s", (last, CHUNK)
            )
            call_ids = [pk for (pk,) in cursor.fetchall()]
            if not call_ids:
                return count
            index_calls(call_ids, connection)
            count, last = count + len(call_ids), call_ids[-1]

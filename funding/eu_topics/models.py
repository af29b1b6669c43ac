"""What staff ask the EU Funding & Tenders portal for: named source queries.

A source query is kept in the database, so staff add, change or pause one in the admin
without code. The daily job (funding.tasks.import_eu_calls) runs every active one; each
run's outcome is kept on the query, so the admin shows when it last ran and how it went.
"""

from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _

from funding.eu_topics.mapping import PROGRAMMES

# The F&T status codes (metadata.status), see the data's codes.md.
STATUS_FORTHCOMING = "31094501"
STATUS_OPEN = "31094502"
STATUS_CLOSED = "31094503"
# How the F&T portal itself names them (`abbreviation` in its records).
SOURCE_STATUS_WORDS = {
    STATUS_FORTHCOMING: "Forthcoming",
    STATUS_OPEN: "Open",
    STATUS_CLOSED: "Closed",
}


RUN_COUNTS = ("fetched", "created", "updated", "linked", "unchanged", "rejected", "missing")


def programme_choices():
    return sorted(
        ((code, f"{acronym} · {name}") for code, (acronym, name) in PROGRAMMES.items()),
        key=lambda choice: choice[1],
    )


def status_choices():
    return [
        (STATUS_FORTHCOMING, _("Forthcoming")),
        (STATUS_OPEN, _("Open for submission")),
        (STATUS_CLOSED, _("Closed")),
    ]


def _default_statuses():
    return [STATUS_FORTHCOMING, STATUS_OPEN]


class SourceQuery(models.Model):
    """One search of the F&T portal whose topics become calls of the catalogue."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    active = models.BooleanField(
        _("active"), default=True, help_text=_("Only active queries run every day.")
    )
    programmes = models.JSONField(
        _("programmes"),
        default=list,
        blank=True,
        help_text=_("None chosen: every programme the catalogue knows."),
    )
    statuses = models.JSONField(_("statuses"), default=_default_statuses)
    keywords = models.TextField(
        _("keywords"),
        blank=True,
        help_text=_(
            "One word or phrase per line, such as “social economy” or “cooperative”: a topic "
            "matching any of them is imported. Empty: every topic of the chosen programmes."
        ),
    )
    publish = models.BooleanField(
        _("publish new topics at once"),
        default=False,
        help_text=_(
            "Off: new topics land as drafts for staff to review (/staff/ lists them). On: "
            "they are published, and instant alerts go out."
        ),
    )
    last_run_at = models.DateTimeField(_("last run at"), null=True, blank=True, editable=False)
    last_run_ok = models.BooleanField(_("last run succeeded"), null=True, editable=False)
    # Counts, not a sentence: the admin says them in the reader's language.
    last_run_counts = models.JSONField(_("last run's counts"), default=dict, editable=False)
    last_run_error = models.TextField(_("why the last run failed"), blank=True, editable=False)

    class Meta:
        verbose_name = _("EU source query")
        verbose_name_plural = _("EU source queries")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @admin.display(description=_("last run"))
    def last_run_summary(self):
        if self.last_run_at is None:
            return _("Not run yet.")
        if not self.last_run_ok:
            return _("Failed: %(error)s") % {"error": self.last_run_error}
        counts = dict.fromkeys(RUN_COUNTS, 0) | self.last_run_counts
        return (
            _(
                "%(fetched)d topics fetched: %(created)d new, %(updated)d updated, %(linked)d "
                "linked to calls entered by hand, %(unchanged)d unchanged, %(rejected)d "
                "rejected, %(missing)d no longer in the source."
            )
            % counts
        )

    def keyword_list(self):
        """The keywords, one per line, without blanks or repeats."""
        seen = []
        for line in self.keywords.splitlines():
            word = " ".join(line.split())
            if word and word.casefold() not in (w.casefold() for w in seen):
                seen.append(word)
        return seen

    def programme_codes(self):
        """The frameworkProgramme codes to ask for (all known when none is chosen): topics of
        programmes the catalogue cannot map would only be rejected."""
        return [code for code in self.programmes if code in PROGRAMMES] or sorted(PROGRAMMES)

    def search_query(self):
        """The `query` part of the search request (the portal's own Elasticsearch form)."""
        return {
            "bool": {
                "must": [
                    {"terms": {"type": ["1", "2", "8"]}},
                    {"terms": {"status": list(self.statuses) or _default_statuses()}},
                    {"terms": {"frameworkProgramme": self.programme_codes()}},
                ]
            }
        }

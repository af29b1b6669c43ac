"""The call-to-cooperative match: the one definition of "a call for this cooperative".

The portal dashboard, the cooperative-profile alert, partnerships and startups all use it,
so a cooperative sees the same calls, for the same reasons, wherever it looks. Hard gates
are SQL filters (`calls_for_cooperative`); the fit is a weighted score with reasons in
words (`match_calls_for_cooperative`).
"""

from dataclasses import dataclass, field
from typing import NamedTuple

from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django_countries.fields import Country

from funding.models import ApplicantType, Call
from members.models import Sector, Theme

# Weights of the fit, in one place.
WEIGHTS = {
    "same_division": 3,
    "same_section": 1,
    "theme": 2,
    "country_of_interest": 1,
    "cooperative_applicant": 1,
}

# A member cooperative is a cooperative, an SME (most are) and, for social cooperatives,
# a social economy enterprise.
APPLICANT_CODES = ("cooperative", "sme", "social-economy")
HOME_COUNTRY = "IT"


@dataclass(frozen=True)
class MatchProfile:
    """What the match reads of an applicant: NACE divisions, themes, countries of interest.

    A cooperative gives one (`profile_for_cooperative`); so can a startup or a spinoff, which
    apply as cooperatives or SMEs and so pass the same applicant gates.
    """

    sectors: tuple = ()
    themes: tuple = ()
    countries: frozenset = frozenset()


@dataclass
class CallMatch:
    """A call for an applicant: its score, the reasons as structured codes (what is stored,
    `[kind, params]`) and the same reasons in words in the active language."""

    call: Call
    score: int = 0
    reasons: list = field(default_factory=list)
    codes: list = field(default_factory=list)

    def add(self, kind, params, vocabulary, weight):
        self.score += weight
        self.codes.append([kind, params])
        if vocabulary is not None:  # None: only the codes are wanted (the stored matches)
            self.reasons.append(render_reason([kind, params], vocabulary))


# --- Reasons: structured codes and the one sentence of each -------------------------------
#
# A reason is stored as [kind, params], params naming vocabulary rows by key (sector and
# theme pks, applicant type pks, country codes, project labels), so a stored reason renders
# in the reader's language and follows a renamed vocabulary. Each kind has one renderer: the
# live scorers and the readers of stored matches produce the same words.

REASON_TEXTS = {}  # kind -> function(params, vocabulary) -> str, or None when a row is gone


def reason_text(kind):
    """Register the sentence of a reason kind (one definition per kind, project-wide)."""

    def register(function):
        if kind in REASON_TEXTS:
            raise ValueError(f"Reason kind {kind!r} is defined twice")
        REASON_TEXTS[kind] = function
        return function

    return register


class Vocabulary:
    """The vocabulary rows reasons name (sectors with their section, themes, applicant
    types), by pk. The live scorers fill it from the rows they already hold; a reader of
    stored reasons calls `load`, one query per kind of row missing, whatever the number."""

    def __init__(self):
        self.sectors, self.themes, self.applicant_types = {}, {}, {}

    def add_sectors(self, sectors):
        for sector in sectors:
            self.sectors[sector.pk] = sector
            if sector.section_id and sector.section_id not in self.sectors:
                # select_related("section") is how every scorer loads sectors.
                self.sectors[sector.section_id] = sector.section
        return self

    def add_themes(self, themes):
        self.themes.update((theme.pk, theme) for theme in themes)
        return self

    def add_applicant_types(self, kinds):
        self.applicant_types.update((kind.pk, kind) for kind in kinds)
        return self

    def load(self, code_lists):
        """Load the rows the reasons in `code_lists` (lists of codes) name and lack."""
        wanted = {"sector": set(), "theme": set(), "type": set()}
        for codes in code_lists:
            for _kind, params in codes:
                for key in wanted:
                    if key in params:
                        wanted[key].add(params[key])
        missing_sectors = wanted["sector"] - set(self.sectors)
        if missing_sectors:
            self.add_sectors(
                Sector.objects.select_related("section").filter(pk__in=missing_sectors)
            )
        missing_themes = wanted["theme"] - set(self.themes)
        if missing_themes:
            self.add_themes(Theme.objects.filter(pk__in=missing_themes))
        missing_types = wanted["type"] - set(self.applicant_types)
        if missing_types:
            self.add_applicant_types(ApplicantType.objects.filter(pk__in=missing_types))
        return self


def render_reason(code, vocabulary):
    kind, params = code
    function = REASON_TEXTS.get(kind)
    return function(params, vocabulary) if function else None


def render_reasons(codes, vocabulary):
    """The reasons in words, in the active language; a reason naming a row since deleted
    is left out (its deletion queued a refresh that drops it)."""
    texts = (render_reason(code, vocabulary) for code in _countries_by_name(codes))
    return [text for text in texts if text]


# Reasons naming countries come sorted by the country's name, which depends on the language:
# a stored run of them is sorted again in the reader's language.
COUNTRY_KINDS = {"call_country"}


def _countries_by_name(codes):
    ordered, run = [], []
    for code in codes:
        if code[0] in COUNTRY_KINDS:
            run.append(code)
            continue
        ordered.extend(sorted(run, key=lambda c: Country(c[1]["country"]).name))
        run = []
        ordered.append(code)
    ordered.extend(sorted(run, key=lambda c: Country(c[1]["country"]).name))
    return ordered


def _with_row(table, key):
    def decorate(function):
        def render(params, vocabulary):
            row = getattr(vocabulary, table).get(params[key])
            return function(row) if row is not None else None

        return render

    return decorate


@reason_text("call_division")
@_with_row("sectors", "sector")
def _call_division(sector):
    return _("same sector: %(sector)s") % {"sector": sector}


@reason_text("call_section")
@_with_row("sectors", "sector")
def _call_section(section):
    return _("related sector: %(sector)s") % {"sector": section}


@reason_text("call_theme")
@_with_row("themes", "theme")
def _call_theme(theme):
    return _("shared theme: %(theme)s") % {"theme": theme.name}


@reason_text("call_country")
def _call_country(params, vocabulary):
    return _("open to %(country)s, a country of interest") % {
        "country": Country(params["country"]).name
    }


@reason_text("call_cooperative_applicant")
def _call_cooperative_applicant(params, vocabulary):
    return _("cooperatives are named among the applicants")


def cooperative_sectors(cooperative):
    """The divisions a cooperative works in: its main sector and its other sectors."""
    sectors = list(cooperative.sectors.all())
    if cooperative.main_sector_id and all(s.pk != cooperative.main_sector_id for s in sectors):
        sectors.insert(0, cooperative.main_sector)
    return sectors


def profile_for_cooperative(cooperative):
    """The cooperative's sectors, themes and countries of interest, as the match reads them."""
    return MatchProfile(
        sectors=tuple(cooperative_sectors(cooperative)),
        themes=tuple(cooperative.themes.all()),
        countries=frozenset(country.code for country in cooperative.countries_of_interest),
    )


def calls_for_profile(profile, *, at=None):
    """Published calls, open or forthcoming at `at`, that an applicant with this profile may
    apply to and that share a sector or a theme with it (hard gates, in SQL)."""
    at = at or timezone.now()
    sectors = list(profile.sectors)
    theme_ids = [theme.pk for theme in profile.themes]
    calls = (
        Call.objects.published()
        .exclude(pk__in=Call.objects.closed(at).values("pk"))
        .eligible_in(HOME_COUNTRY)
        .open_to_applicants(APPLICANT_CODES)
    )
    shared = Q(pk__in=Call.objects.filter(themes__in=theme_ids).values("pk"))
    if sectors:
        shared |= Q(pk__in=Call.objects.in_sectors(sectors).values("pk"))
    return calls.filter(shared)


def calls_for_cooperative(cooperative, *, at=None):
    """`calls_for_profile` for a cooperative."""
    return calls_for_profile(profile_for_cooperative(cooperative), at=at)


def match_calls_for_cooperative(cooperative, *, at=None, limit=None):
    """Calls for this cooperative, best fit first, each with the reasons in words."""
    return match_calls_for_profile(profile_for_cooperative(cooperative), at=at, limit=limit)


def match_calls_for_profile(profile, *, at=None, limit=None, call_ids=None):
    """Calls for an applicant with this profile, best fit first, each with the reasons.

    `call_ids` narrows the calls considered (a page scoring only the calls whose stored
    matches are not refreshed yet)."""
    at = at or timezone.now()
    facts = ProfileFacts.of(profile)
    calls = calls_for_profile(profile, at=at)
    if call_ids is not None:
        calls = calls.filter(pk__in=list(call_ids))
    calls = (
        calls.with_status(at)
        .select_related("programme")
        .prefetch_related(
            Prefetch("sectors", queryset=Sector.objects.select_related("section")),
            "themes",
            "applicant_types",
        )
    )
    matches = [score_call(call, facts) for call in calls]
    far_future = at.replace(year=at.year + 100)
    matches.sort(key=lambda m: (-m.score, m.call.next_deadline or far_future, m.call.pk))
    return matches[:limit] if limit else matches


@dataclass(frozen=True)
class ProfileFacts:
    """The sets `score_call` reads of an applicant (computed once per applicant)."""

    division_ids: frozenset
    section_ids: frozenset
    theme_ids: frozenset
    interests: frozenset

    @classmethod
    def of(cls, profile):
        sectors = list(profile.sectors)
        return cls(
            division_ids=frozenset(sector.pk for sector in sectors),
            section_ids=frozenset(sector.section_id for sector in sectors if sector.section_id),
            theme_ids=frozenset(theme.pk for theme in profile.themes),
            interests=frozenset(profile.countries) - {HOME_COUNTRY},
        )


class CallFacts(NamedTuple):
    """What `call_fit` reads of a call, as plain ids (loaded in bulk by the stored matches,
    or taken from a call instance by `score_call`).

    `sectors`: (pk, section pk or None) in the sectors' order (code); `themes`: pks in the
    themes' order; `countries`: eligible country codes; `cooperatives_named`: whether
    cooperatives are among the applicant types."""

    pk: int
    sectors: tuple
    themes: tuple
    countries: frozenset
    cooperatives_named: bool


_COUNTRY_NAMES = {}  # (language, code) -> name: scoring sorts country reasons by name


def country_sort_name(code):
    key = (get_language(), code)
    if key not in _COUNTRY_NAMES:
        _COUNTRY_NAMES[key] = Country(code).name
    return _COUNTRY_NAMES[key]


def call_fit(call, facts, *, with_codes=True):
    """The fit of a call (`CallFacts`) that passed the gates with an applicant
    (`ProfileFacts`): (score, reasons as codes). The one definition of the weights and of
    the reasons' order, for the live pages and the stored matches alike.

    `with_codes=False` gives the score alone (codes None): the stored matches rank every
    call a cooperative may see by it and ask the codes of the few they keep."""
    score, codes = 0, [] if with_codes else None
    # A shared division counts fully; otherwise a shared NACE section counts once.
    credited_sections = set()
    division_ids = facts.division_ids
    for pk, section_id in call.sectors:
        if pk in division_ids:
            score += WEIGHTS["same_division"]
            if with_codes:
                codes.append(["call_division", {"sector": pk}])
            credited_sections.add(section_id)
    section_ids = facts.section_ids
    for pk, section_id in call.sectors:
        section = section_id or pk
        if section in section_ids and section not in credited_sections:
            score += WEIGHTS["same_section"]
            if with_codes:
                codes.append(["call_section", {"sector": section}])
            credited_sections.add(section)
    theme_ids = facts.theme_ids
    for pk in call.themes:
        if pk in theme_ids:
            score += WEIGHTS["theme"]
            if with_codes:
                codes.append(["call_theme", {"theme": pk}])
    shared_countries = facts.interests & call.countries
    if shared_countries:
        score += WEIGHTS["country_of_interest"] * len(shared_countries)
        if with_codes:
            for code in sorted(shared_countries, key=country_sort_name):
                codes.append(["call_country", {"country": code}])
    if call.cooperatives_named:
        score += WEIGHTS["cooperative_applicant"]
        if with_codes:
            codes.append(["call_cooperative_applicant", {}])
    return score, codes


def call_facts_of(call):
    """`CallFacts` of a call loaded with sectors, themes and applicant types."""
    return CallFacts(
        pk=call.pk,
        sectors=tuple((sector.pk, sector.section_id) for sector in call.sectors.all()),
        themes=tuple(theme.pk for theme in call.themes.all()),
        countries=frozenset(country.code for country in call.eligible_countries),
        cooperatives_named=any(kind.code == "cooperative" for kind in call.applicant_types.all()),
    )


def score_call(call, facts, *, render=True):
    """The fit of a call that passed the gates with an applicant (`ProfileFacts`), as
    `call_fit` scores it, with the reasons in words.

    The call comes with sectors (and their section), themes and applicant types loaded.
    `render=False` gives the codes only (what is stored), skipping the words.
    """
    match = CallMatch(call=call)
    match.score, match.codes = call_fit(call_facts_of(call), facts)
    if render:
        vocabulary = Vocabulary().add_sectors(call.sectors.all()).add_themes(call.themes.all())
        match.reasons = [render_reason(code, vocabulary) for code in match.codes]
    return match

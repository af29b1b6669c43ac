"""The call-to-cooperative match: the one definition of "a call for this cooperative".

The portal dashboard, the cooperative-profile alert, partnerships and startups all use it,
so a cooperative sees the same calls, for the same reasons, wherever it looks. Hard gates
are SQL filters (`calls_for_cooperative`); the fit is a weighted score with reasons in
words (`match_calls_for_cooperative`).
"""

from dataclasses import dataclass, field

from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from funding.models import Call
from members.models import Sector

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
    call: Call
    score: int = 0
    reasons: list = field(default_factory=list)


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


def match_calls_for_profile(profile, *, at=None, limit=None):
    """Calls for an applicant with this profile, best fit first, each with the reasons."""
    at = at or timezone.now()
    sectors = list(profile.sectors)
    division_ids = {sector.pk for sector in sectors}
    section_ids = {sector.section_id for sector in sectors if sector.section_id}
    theme_ids = {theme.pk for theme in profile.themes}
    interests = set(profile.countries) - {HOME_COUNTRY}

    calls = (
        calls_for_profile(profile, at=at)
        .with_status(at)
        .select_related("programme")
        .prefetch_related(
            Prefetch("sectors", queryset=Sector.objects.select_related("section")),
            "themes",
            "applicant_types",
        )
    )
    matches = []
    for call in calls:
        match = CallMatch(call=call)
        # A shared division counts fully; otherwise a shared NACE section counts once.
        call_sectors = list(call.sectors.all())
        credited_sections = set()
        for sector in call_sectors:
            if sector.pk in division_ids:
                match.score += WEIGHTS["same_division"]
                match.reasons.append(_("same sector: %(sector)s") % {"sector": sector})
                credited_sections.add(sector.section_id)
        for sector in call_sectors:
            section = sector if sector.is_section else sector.section
            if section.pk in section_ids and section.pk not in credited_sections:
                match.score += WEIGHTS["same_section"]
                match.reasons.append(_("related sector: %(sector)s") % {"sector": section})
                credited_sections.add(section.pk)
        for theme in call.themes.all():
            if theme.pk in theme_ids:
                match.score += WEIGHTS["theme"]
                match.reasons.append(_("shared theme: %(theme)s") % {"theme": theme.name})
        shared_countries = interests & {country.code for country in call.eligible_countries}
        for country in sorted(call.eligible_countries, key=lambda c: c.name):
            if country.code in shared_countries:
                match.score += WEIGHTS["country_of_interest"]
                match.reasons.append(
                    _("open to %(country)s, a country of interest") % {"country": country.name}
                )
        if any(kind.code == "cooperative" for kind in call.applicant_types.all()):
            match.score += WEIGHTS["cooperative_applicant"]
            match.reasons.append(_("cooperatives are named among the applicants"))
        matches.append(match)
    far_future = at.replace(year=at.year + 100)
    matches.sort(key=lambda m: (-m.score, m.call.next_deadline or far_future, m.call.pk))
    return matches[:limit] if limit else matches

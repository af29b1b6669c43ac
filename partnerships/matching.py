"""Explainable matching: one scoring module for partners, requests and consortia.

For a partnership request: ranked candidate cooperatives and network organisations
(`candidates_for_request`). For a cooperative: ranked requests (`requests_for_cooperative`)
and calls (`calls_for_cooperative_suggestions`, which is funding's call match, the one
definition of "a call for this cooperative", minus dismissed calls). For a call that needs a
consortium: a set of partners meeting its rules and what is still missing
(`consortium_for_call`).

Every suggestion passes the hard gates first (organisation type sought, country sought,
and the linked call's eligible countries and applicant types), then gets a weighted fit
score, each point with its reason in words, in the active language. Weights: `WEIGHTS`.

Everything a ranking reads is loaded in a fixed number of queries (prefetched) and scored
in Python, so the queries do not grow with the number of candidates.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

from django.db import transaction
from django.db.models import Prefetch, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_countries import countries as country_names

from funding.matching import (
    APPLICANT_CODES,
    COUNTRY_KINDS,
    HOME_COUNTRY,
    Vocabulary,
    match_calls_for_cooperative,
    reason_text,
    render_reason,
)
from funding.models import EU_MEMBER_STATES, Call
from members.models import Cooperative, Sector
from networks.models import Affiliation, Body
from partnerships.models import DismissedSuggestion, PartnershipRequest, Project

# Weights of the fit, in one place.
WEIGHTS = {
    "same_division": 3,  # same NACE division (two digits)
    "same_section": 1,  # only the same NACE section (letter)
    "theme": 2,  # each shared innovation theme
    "country_of_interest": 1,  # each shared country of interest (or sought)
    "cooperative_type": 1,  # same kind of cooperative as the owner
    "organisation_sought": 2,  # the organisation type the request asks for
    "past_project": 2,  # each project already done together
    "same_call_project": 1,  # already in a project on the same call
    "network_member": 1,  # foreign member of a European cooperative body
    # Consortium builder only: what a pick adds to the set.
    "new_country": 10,  # a country the consortium still needs
    "research_missing": 5,  # the first research organisation, where the call admits them
}

# What kind of organisation each candidate is, as applicant type codes (funding.ApplicantType).
COOPERATIVE_CODES = frozenset(APPLICANT_CODES)  # cooperative, SME, social economy enterprise
RESEARCH_KINDS = (Body.Kind.UNIVERSITY, Body.Kind.RESEARCH_CENTRE)
# Italian universities and research centres are public bodies as well as research ones.
BODY_KIND_CODES = {
    Body.Kind.UNIVERSITY: frozenset({"research", "public-body"}),
    Body.Kind.RESEARCH_CENTRE: frozenset({"research", "public-body"}),
    Body.Kind.INNOVATION_CLUSTER: frozenset({"ngo"}),
}
# A foreign member of a European cooperative body is a national cooperative organisation.
FOREIGN_MEMBER_CODES = frozenset({"cooperative", "social-economy", "ngo"})
EUROPEAN_KINDS = (Body.Kind.EUROPEAN_FEDERATION, Body.Kind.EUROPEAN_SECTOR_CONFEDERATION)


@dataclass
class Suggestion:
    """One ranked suggestion: `kind` is "cooperative", "body", "request" or "call"."""

    kind: str
    obj: object
    score: int = 0
    reasons: list = field(default_factory=list)
    codes: list = field(default_factory=list)  # the reasons as stored: [kind, params]

    def add(self, kind, params, vocabulary, weight):
        """Count a reason: its weight, its structured code and its words (one renderer)."""
        self.score += weight
        self.codes.append([kind, params])
        if vocabulary is not None:  # None: only the codes are wanted (the stored matches)
            self.reasons.append(render_reason([kind, params], vocabulary))

    @property
    def target_type(self):
        """The `DismissedSuggestion.Target` a "Not relevant" button records."""
        return self.kind

    @property
    def name(self):
        return str(self.obj)

    @property
    def country_code(self):
        if self.kind == "cooperative":
            return HOME_COUNTRY
        if self.kind == "body":
            return self.obj.country.code or ""
        return ""


@dataclass
class ConsortiumPlan:
    """A consortium suggested for a call: the members chosen and what is still missing."""

    call: object
    members: list
    missing: list
    required_partners: int
    required_countries: int
    country_rule: str = ""

    @property
    def countries(self):
        return sorted({member.country_code for member in self.members if member.country_code})

    @property
    def is_complete(self):
        return not self.missing


_DEFAULT = object()  # "not given" for the optional vocabulary of the scoring helpers


class SectorKey(NamedTuple):
    """A sector as the compact facts hold it (`matches.engine`): what scoring reads."""

    pk: int
    section_id: int | None


class TypeKey(NamedTuple):
    """An applicant type as the compact facts hold it."""

    pk: int
    code: str


class ThemeKey(NamedTuple):
    """A theme as the compact facts hold it."""

    pk: int


class CooperativeKey(NamedTuple):
    """A cooperative as the compact facts hold it."""

    pk: int
    cooperative_type: str


class RequestKey(NamedTuple):
    """A request as the compact facts hold it."""

    pk: int
    title: str


# --- Labels --------------------------------------------------------------------------------


def sector_label(sector):
    """ "C10 Manufacture of food products" for a division, "C Manufacturing" for a section."""
    if sector.section_id:
        return f"{sector.section.code}{sector.code} {sector.name}"
    return f"{sector.code} {sector.name}"


_COUNTRY_NAMES = {}  # (language, code) -> name: the scoring sorts reasons by it


def country_name(code):
    key = (translation.get_language(), code)
    if key not in _COUNTRY_NAMES:
        _COUNTRY_NAMES[key] = str(country_names.name(code)) or code
    return _COUNTRY_NAMES[key]


def _project_label(project):
    return project["acronym"] or project["title"]


# --- What the scoring reads of each side ----------------------------------------------------


@dataclass
class CooperativeFacts:
    cooperative: Cooperative
    division_ids: frozenset
    section_ids: frozenset
    theme_ids: frozenset
    countries: frozenset


def sectors_queryset():
    return Sector.objects.select_related("section")


def cooperatives_with_profiles(queryset=None):
    """Cooperatives with what the scoring reads (sectors, themes), in three queries."""
    queryset = queryset if queryset is not None else Cooperative.objects.all()
    return queryset.select_related("main_sector__section").prefetch_related(
        Prefetch("sectors", queryset=sectors_queryset()), "themes"
    )


def cooperative_facts(cooperative):
    sectors = list(cooperative.sectors.all())
    if cooperative.main_sector_id:
        sectors.append(cooperative.main_sector)
    return CooperativeFacts(
        cooperative=cooperative,
        division_ids=frozenset(s.pk for s in sectors),
        section_ids=frozenset(s.section_id or s.pk for s in sectors),
        theme_ids=frozenset(t.pk for t in cooperative.themes.all()),
        countries=frozenset(c.code for c in cooperative.countries_of_interest) - {HOME_COUNTRY},
    )


@dataclass
class RequestFacts:
    """A request as the scoring reads it (its sought partner, its owner, its call)."""

    request: PartnershipRequest
    owner_id: int
    owner_type: str
    sought_types: list  # ApplicantType rows
    sought_countries: frozenset
    sectors: list  # sought sectors, else the owner's
    themes: list  # sought themes, else the owner's
    countries: frozenset  # countries sought and the owner's countries of interest
    call_countries: frozenset
    call_codes: frozenset
    partners: dict  # ("cooperative"|"body", id) -> labels of projects done with the owner
    on_call: dict  # ("cooperative"|"body", id) -> labels of projects on the request's call

    def __post_init__(self):
        # Sets for the quick "anything in common?" test: most pairs share nothing.
        self.sought_codes = frozenset(t.code for t in self.sought_types)
        self.division_ids = frozenset(s.pk for s in self.sectors if s.section_id)
        self.section_ids = frozenset(s.section_id or s.pk for s in self.sectors)
        self.theme_ids = frozenset(t.pk for t in self.themes)
        self.cooperatives_pass = passes_gates(self, codes=COOPERATIVE_CODES, country=HOME_COUNTRY)

    @cached_property
    def vocabulary(self):
        """The rows the reasons name (only for facts built from model instances: the
        stored matches' compact facts hold ids and score with `render=False`)."""
        return (
            Vocabulary()
            .add_sectors(self.sectors)
            .add_themes(self.themes)
            .add_applicant_types(self.sought_types)
        )

    def shares_something_with(self, candidate):
        """Whether a cooperative can score at all: a sector, theme, country or project."""
        key = ("cooperative", candidate.cooperative.pk)
        return not (
            self.section_ids.isdisjoint(candidate.section_ids)
            and self.theme_ids.isdisjoint(candidate.theme_ids)
            and self.countries.isdisjoint(candidate.countries)
            and key not in self.partners
            and key not in self.on_call
        )


def requests_with_profiles(queryset):
    """Requests with everything `request_facts` reads, in a fixed number of queries."""
    return queryset.select_related("owner__main_sector__section", "call").prefetch_related(
        "sought_organisation_types",
        Prefetch("sought_sectors", queryset=sectors_queryset()),
        "sought_themes",
        Prefetch("owner__sectors", queryset=sectors_queryset()),
        "owner__themes",
        "call__applicant_types",
    )


def project_index(*, cooperative_ids=(), call_ids=()):
    """Projects of these cooperatives or on these calls, with their participants (3 queries).

    Returns a list of dicts: pk, acronym, title, call_id, cooperatives (set), bodies (set).
    """
    cooperative_ids, call_ids = list(set(cooperative_ids)), list(set(call_ids) - {None})
    if not cooperative_ids and not call_ids:
        return []
    links = Project.cooperatives.through.objects
    involved = Q(lead_cooperative_id__in=cooperative_ids) | Q(call_id__in=call_ids)
    involved |= Q(pk__in=links.filter(cooperative_id__in=cooperative_ids).values("project_id"))
    projects = {
        row["pk"]: {**row, "cooperatives": set(), "bodies": set()}
        for row in Project.objects.filter(involved).values(
            "pk", "acronym", "title", "call_id", "lead_cooperative_id", "lead_body_id"
        )
    }
    if not projects:
        return []
    for project_id, cooperative_id in links.filter(project_id__in=list(projects)).values_list(
        "project_id", "cooperative_id"
    ):
        projects[project_id]["cooperatives"].add(cooperative_id)
    for project_id, body_id in Project.bodies.through.objects.filter(
        project_id__in=list(projects)
    ).values_list("project_id", "body_id"):
        projects[project_id]["bodies"].add(body_id)
    for project in projects.values():
        if project["lead_cooperative_id"]:
            project["cooperatives"].add(project["lead_cooperative_id"])
        if project["lead_body_id"]:
            project["bodies"].add(project["lead_body_id"])
    return sorted(projects.values(), key=lambda p: p["pk"])


def _participants(project):
    yield from (("cooperative", pk) for pk in project["cooperatives"])
    yield from (("body", pk) for pk in project["bodies"])


def project_links(owner_id, call_id, projects):
    """(partners, on_call) of a request: {participant key: labels of the projects done with
    the owner}, {participant key: labels of the projects on the request's call}, the
    projects taken in pk order."""
    partners, on_call = defaultdict(list), defaultdict(list)
    for project in projects:
        label = _project_label(project)
        if owner_id in project["cooperatives"]:
            for key in _participants(project):
                if key != ("cooperative", owner_id):
                    partners[key].append(label)
        if call_id and project["call_id"] == call_id:
            for key in _participants(project):
                on_call[key].append(label)
    return dict(partners), dict(on_call)


def request_facts(request, projects):
    owner = request.owner
    owner_facts = cooperative_facts(owner)
    sought_sectors = list(request.sought_sectors.all())
    sectors = sought_sectors or [
        s for s in [*owner.sectors.all(), owner.main_sector] if s is not None
    ]
    themes = list(request.sought_themes.all()) or list(owner.themes.all())
    sought_countries = frozenset(c.code for c in request.sought_countries)
    partners, on_call = project_links(owner.pk, request.call_id, projects)
    call = request.call
    return RequestFacts(
        request=request,
        owner_id=owner.pk,
        owner_type=owner.cooperative_type,
        sought_types=list(request.sought_organisation_types.all()),
        sought_countries=sought_countries,
        sectors=sectors,
        themes=themes,
        countries=(sought_countries | owner_facts.countries) - {HOME_COUNTRY},
        call_countries=frozenset(c.code for c in call.eligible_countries) if call else frozenset(),
        call_codes=frozenset(t.code for t in call.applicant_types.all()) if call else frozenset(),
        partners=partners,
        on_call=on_call,
    )


# --- Scoring --------------------------------------------------------------------------------


def passes_gates(facts, *, codes, country):
    """Hard gates: the organisation type and country the request (and its call) accept."""
    if facts.sought_types and not codes & facts.sought_codes:
        return False
    if facts.sought_countries and country not in facts.sought_countries:
        return False
    if facts.call_countries and country not in facts.call_countries:
        return False
    return not (facts.call_codes and not codes & facts.call_codes)


def _sought_type_reason(facts, codes, suggestion, vocabulary=_DEFAULT):
    vocabulary = facts.vocabulary if vocabulary is _DEFAULT else vocabulary
    matching = [t for t in facts.sought_types if t.code in codes]
    if matching:
        suggestion.add(
            "sought_type", {"type": matching[0].pk}, vocabulary, WEIGHTS["organisation_sought"]
        )


def _project_reasons(facts, key, suggestion, vocabulary=_DEFAULT):
    vocabulary = facts.vocabulary if vocabulary is _DEFAULT else vocabulary
    for label in facts.partners.get(key, ()):
        suggestion.add("past_project", {"project": label}, vocabulary, WEIGHTS["past_project"])
    for label in facts.on_call.get(key, ()):
        if label not in facts.partners.get(key, ()):
            suggestion.add(
                "call_project", {"project": label}, vocabulary, WEIGHTS["same_call_project"]
            )


def score_sectors(sectors, candidate, suggestion, vocabulary=_DEFAULT):
    """A shared division counts fully; otherwise a shared NACE section counts once.

    `sectors` are `Sector` rows or `SectorKey`s (pk, section_id); `vocabulary` None scores
    the codes only."""
    if vocabulary is _DEFAULT:
        vocabulary = Vocabulary().add_sectors(sectors)
    credited = set()
    for sector in sectors:
        if sector.section_id and sector.pk in candidate.division_ids:
            suggestion.add("division", {"sector": sector.pk}, vocabulary, WEIGHTS["same_division"])
            credited.add(sector.section_id)
    for sector in sectors:
        section = sector.section_id or sector.pk
        if section in candidate.section_ids and section not in credited:
            suggestion.add("section", {"sector": section}, vocabulary, WEIGHTS["same_section"])
            credited.add(section)


def score_cooperative(facts, candidate, *, kind="cooperative", obj=None, render=True):
    """The fit of a cooperative (`CooperativeFacts`) with a request; None if a gate fails or
    nothing substantive is shared (a sector, theme, country of interest or project).

    Used both ways: a candidate partner for a request (kind "cooperative") and a request for
    a cooperative (kind "request"). Being the organisation type sought and the same kind of
    cooperative as the owner add to the score but are no reason alone: every member
    cooperative is one.

    `render=False` gives the codes only (the stored matches, whose facts are compact: see
    `matches.engine`); the same function scores the live pages, so both agree.
    """
    if candidate.cooperative.pk == facts.owner_id or not facts.cooperatives_pass:
        return None
    if not facts.shares_something_with(candidate):
        return None
    suggestion = Suggestion(kind=kind, obj=obj if obj is not None else candidate.cooperative)
    vocabulary = facts.vocabulary if render else None
    score_sectors(facts.sectors, candidate, suggestion, vocabulary)
    for theme in facts.themes:
        if theme.pk in candidate.theme_ids:
            suggestion.add("theme", {"theme": theme.pk}, vocabulary, WEIGHTS["theme"])
    for code in sorted(facts.countries & candidate.countries, key=country_name):
        suggestion.add(
            "interest_country", {"country": code}, vocabulary, WEIGHTS["country_of_interest"]
        )
    cooperative = candidate.cooperative
    _project_reasons(facts, ("cooperative", cooperative.pk), suggestion, vocabulary)
    if suggestion.score <= 0:
        return None
    _sought_type_reason(facts, COOPERATIVE_CODES, suggestion, vocabulary)
    if facts.owner_type and cooperative.cooperative_type == facts.owner_type:
        suggestion.add(
            "cooperative_type",
            {"type_code": cooperative.cooperative_type},
            vocabulary,
            WEIGHTS["cooperative_type"],
        )
    return suggestion


# --- The sentence of each reason (see funding.matching.REASON_TEXTS) -----------------------

COUNTRY_KINDS.add("interest_country")


def _row(table, key, params, vocabulary):
    return getattr(vocabulary, table).get(params[key])


@reason_text("division")
def _division(params, vocabulary):
    sector = _row("sectors", "sector", params, vocabulary)
    return sector and _("same sector: %(sector)s") % {"sector": sector_label(sector)}


@reason_text("section")
def _section(params, vocabulary):
    sector = _row("sectors", "sector", params, vocabulary)
    return sector and _("related sector: %(sector)s") % {"sector": sector_label(sector)}


@reason_text("theme")
def _theme(params, vocabulary):
    theme = _row("themes", "theme", params, vocabulary)
    return theme and _("shared theme: %(theme)s") % {"theme": theme.name}


@reason_text("interest_country")
def _interest_country(params, vocabulary):
    return _("both interested in %(country)s") % {"country": country_name(params["country"])}


@reason_text("past_project")
def _past_project(params, vocabulary):
    return _("worked together on the project %(project)s") % {"project": params["project"]}


@reason_text("call_project")
def _call_project(params, vocabulary):
    return _("already in a project on the same call: %(project)s") % {"project": params["project"]}


@reason_text("sought_type")
def _sought_type(params, vocabulary):
    kind = _row("applicant_types", "type", params, vocabulary)
    return kind and _("organisation type sought: %(type)s") % {"type": kind.name}


@reason_text("cooperative_type")
def _cooperative_type(params, vocabulary):
    try:
        return _("same kind of cooperative: %(type)s") % {
            "type": choice_label(Cooperative.Type, params["type_code"])
        }
    except ValueError:  # a kind of cooperative since removed from the choices
        return None


@reason_text("body_country")
def _body_country(params, vocabulary):
    return _("based in %(country)s, a country of interest") % {
        "country": country_name(params["country"])
    }


@reason_text("network_member")
def _network_member(params, vocabulary):
    return _("member of %(body)s") % {"body": params["body"]}


_LABELS = {}  # (language, choices, value) -> label


def choice_label(choices, value):
    """A choice's label in the active language, cached (a digest asks it thousands of times)."""
    key = (translation.get_language(), choices, value)
    if key not in _LABELS:
        _LABELS[key] = str(choices(value).label)
    return _LABELS[key]


@dataclass
class BodyFacts:
    body: Body
    codes: frozenset
    networks: list  # short names of the European bodies it is a member of


def candidate_bodies():
    """Universities, research centres, clusters and foreign members of the European
    cooperative bodies, each with the organisation types it counts as (two queries)."""
    networks = defaultdict(list)
    for affiliation in (
        Affiliation.objects.filter(member_body__isnull=False, body__kind__in=EUROPEAN_KINDS)
        .exclude(member_body__country__in=[HOME_COUNTRY, ""])
        .select_related("body")
        .order_by("body__name")
    ):
        networks[affiliation.member_body_id].append(affiliation.body.short_name)
    bodies = Body.objects.filter(Q(kind__in=list(BODY_KIND_CODES)) | Q(pk__in=list(networks)))
    facts = []
    for body in bodies.order_by("name"):
        codes = BODY_KIND_CODES.get(body.kind, frozenset())
        if body.pk in networks:
            codes = codes | FOREIGN_MEMBER_CODES
        facts.append(BodyFacts(body=body, codes=codes, networks=networks.get(body.pk, [])))
    return facts


def score_body(facts, candidate):
    body = candidate.body
    if not passes_gates(facts, codes=candidate.codes, country=body.country.code or ""):
        return None
    suggestion = Suggestion(kind="body", obj=body)
    _sought_type_reason(facts, candidate.codes, suggestion)
    if body.country.code and body.country.code in facts.countries:
        suggestion.add(
            "body_country",
            {"country": body.country.code},
            facts.vocabulary,
            WEIGHTS["country_of_interest"],
        )
    for network in candidate.networks:
        suggestion.add(
            "network_member", {"body": network}, facts.vocabulary, WEIGHTS["network_member"]
        )
    _project_reasons(facts, ("body", body.pk), suggestion)
    # Belonging to a network alone is no reason to suggest a body for this request.
    if suggestion.score <= WEIGHTS["network_member"] * len(candidate.networks):
        return None
    return suggestion


def _ranked(suggestions, limit):
    suggestions = [s for s in suggestions if s is not None]
    suggestions.sort(key=lambda s: (-s.score, s.name.lower(), s.obj.pk))
    return suggestions[:limit] if limit else suggestions


# --- Public functions -----------------------------------------------------------------------


def candidates_for_request(request, *, limit=20, at=None):
    """Ranked candidate partners for a request, scored live: active cooperatives (not the
    owner) and network organisations, without those its owner dismissed for this request.

    The candidates page reads the cooperatives from the stored matches
    (`matches.readers.candidates_for_request`); this live ranking is their definition."""
    request = requests_with_profiles(PartnershipRequest.objects.filter(pk=request.pk)).get()
    facts = _facts_of(request)
    dismissed = _dismissed_candidates(request)
    suggestions = []
    cooperatives = cooperatives_with_profiles(
        Cooperative.objects.active().exclude(pk=request.owner_id)
    )
    for cooperative in cooperatives:
        if ("cooperative", cooperative.pk) not in dismissed:
            suggestions.append(score_cooperative(facts, cooperative_facts(cooperative)))
    suggestions.extend(_body_suggestions(facts, dismissed))
    return _ranked(suggestions, limit)


def _facts_of(request):
    projects = project_index(cooperative_ids=[request.owner_id], call_ids=[request.call_id])
    return request_facts(request, projects)


def _dismissed_candidates(request):
    return set(
        DismissedSuggestion.objects.filter(request=request).values_list("target_type", "target_id")
    )


def _body_suggestions(facts, dismissed):
    return [
        score_body(facts, body)
        for body in candidate_bodies()
        if ("body", body.body.pk) not in dismissed
    ]


def body_candidates_for_request(request):
    """The network organisations that fit a request, scored live (they are few)."""
    request = requests_with_profiles(PartnershipRequest.objects.filter(pk=request.pk)).get()
    return [s for s in _body_suggestions(_facts_of(request), _dismissed_candidates(request)) if s]


def ranked(suggestions, limit):
    """Best first: score, then name, then pk (one order for every list of suggestions)."""
    return _ranked(suggestions, limit)


def requests_for_cooperative(cooperative, *, requests=None, limit=20, at=None):
    """Ranked published requests open for interest that fit this cooperative: not its own,
    not dismissed by it, not already answered by it. `requests` narrows the choice."""
    queryset = requests if requests is not None else PartnershipRequest.objects.all()
    queryset = (
        queryset.open_for_interest(at)
        .exclude(owner=cooperative)
        .exclude(interests__cooperative=cooperative)
        .exclude(
            pk__in=DismissedSuggestion.objects.filter(
                cooperative=cooperative,
                request__isnull=True,
                target_type=DismissedSuggestion.Target.REQUEST,
            ).values("target_id")
        )
    )
    found = list(requests_with_profiles(queryset))
    if not found:
        return []
    projects = project_index(
        cooperative_ids=[r.owner_id for r in found], call_ids=[r.call_id for r in found]
    )
    candidate = cooperative_facts(
        cooperatives_with_profiles(Cooperative.objects.filter(pk=cooperative.pk)).get()
    )
    suggestions = [
        score_cooperative(request_facts(request, projects), candidate, kind="request", obj=request)
        for request in found
    ]
    return _ranked(suggestions, limit)


def calls_for_cooperative_suggestions(cooperative, *, limit=10, at=None):
    """Funding's call match for this cooperative (same calls, same reasons) minus the calls
    it marked "not relevant"."""
    dismissed = set(
        DismissedSuggestion.objects.filter(
            cooperative=cooperative,
            request__isnull=True,
            target_type=DismissedSuggestion.Target.CALL,
        ).values_list("target_id", flat=True)
    )
    suggestions = [
        Suggestion(
            kind="call", obj=match.call, score=match.score, reasons=match.reasons, codes=match.codes
        )
        for match in match_calls_for_cooperative(cooperative, at=at)
        if match.call.pk not in dismissed
    ]
    return suggestions[:limit] if limit else suggestions


# --- Consortium builder ---------------------------------------------------------------------


def consortium_rules(call):
    """(partners needed, distinct countries needed, "member_states"|"countries"|"").

    The Call model stores `consortium_required`, `min_partners` and `eligible_countries`,
    but no explicit rule about countries. The rule is derived: a call that requires a
    consortium and is open to more than one country (EU calls list the Member States) wants
    its minimum partners from *different* eligible countries, as Horizon Europe-type calls
    do (at least three entities from three Member States); so the countries needed are the
    minimum partners, capped by the number of eligible countries. A call open to a single
    country (a regional call) has no country rule. Without `min_partners`, a required
    consortium means at least two partners; a call needing no consortium needs one (the
    applicant alone).
    """
    partners = call.min_partners or (2 if call.consortium_required else 1)
    codes = {c.code for c in call.eligible_countries}
    if not call.consortium_required or len(codes) < 2:
        return partners, 1, ""
    wording = "member_states" if codes <= EU_MEMBER_STATES | {"IS", "NO", "LI"} else "countries"
    return partners, min(partners, len(codes)), wording


def _call_facts(call, projects, lead):
    """The call seen as a request of the lead cooperative (or of nobody)."""
    themes = list(call.themes.all())
    sectors = list(call.sectors.all())
    partners, on_call = defaultdict(list), defaultdict(list)
    for project in projects:
        label = _project_label(project)
        if lead and lead.pk in project["cooperatives"]:
            for key in _participants(project):
                if key != ("cooperative", lead.pk):
                    partners[key].append(label)
        if project["call_id"] == call.pk:
            for key in _participants(project):
                on_call[key].append(label)
    lead_facts = cooperative_facts(lead) if lead else None
    return RequestFacts(
        request=None,
        owner_id=lead.pk if lead else None,
        owner_type=lead.cooperative_type if lead else "",
        sought_types=[],
        sought_countries=frozenset(),
        sectors=sectors,
        themes=themes,
        countries=lead_facts.countries if lead_facts else frozenset(),
        call_countries=frozenset(c.code for c in call.eligible_countries),
        call_codes=frozenset(t.code for t in call.applicant_types.all()),
        partners=dict(partners),
        on_call=dict(on_call),
    )


def consortium_for_call(call, *, cooperative=None, at=None):
    """A consortium for `call`, chosen greedily, and what is still missing, in words.

    The cooperative (the applicant, if given and eligible) comes first. Then, one pick at a
    time, the candidate that adds the most: a country the consortium still needs (see
    `consortium_rules`), the first research organisation when the call admits them, then the
    best fit with the call's sectors and themes and the lead's past partners. Each pick
    carries its reasons. Candidates the cooperative dismissed are left out.
    """
    call = (
        Call.objects.filter(pk=call.pk)
        .prefetch_related(
            Prefetch("sectors", queryset=sectors_queryset()), "themes", "applicant_types"
        )
        .get()
    )
    partners_needed, countries_needed, wording = consortium_rules(call)
    lead = None
    if cooperative is not None:
        lead = cooperatives_with_profiles(Cooperative.objects.filter(pk=cooperative.pk)).get()
    projects = project_index(cooperative_ids=[lead.pk] if lead else [], call_ids=[call.pk])
    facts = _call_facts(call, projects, lead)
    wants_research = call.consortium_required and "research" in facts.call_codes

    dismissed = set()
    if lead:
        dismissed = set(
            DismissedSuggestion.objects.filter(
                cooperative=lead, request__isnull=True, target_type__in=["cooperative", "body"]
            ).values_list("target_type", "target_id")
        )

    members = []
    if lead and passes_gates(facts, codes=COOPERATIVE_CODES, country=HOME_COUNTRY):
        members.append(
            Suggestion(kind="cooperative", obj=lead, reasons=[_("your cooperative, as applicant")])
        )
    pool = []
    for candidate in cooperatives_with_profiles(Cooperative.objects.active()):
        if (lead and candidate.pk == lead.pk) or ("cooperative", candidate.pk) in dismissed:
            continue
        suggestion = score_cooperative(facts, cooperative_facts(candidate))
        if suggestion is None and passes_gates(
            facts, codes=COOPERATIVE_CODES, country=HOME_COUNTRY
        ):
            suggestion = Suggestion(kind="cooperative", obj=candidate)
        if suggestion is not None:
            suggestion.is_research = False
            pool.append(suggestion)
    for body in candidate_bodies():
        if ("body", body.body.pk) in dismissed:
            continue
        if not passes_gates(facts, codes=body.codes, country=body.body.country.code or ""):
            continue
        suggestion = Suggestion(kind="body", obj=body.body)
        for network in body.networks:
            suggestion.add(
                "network_member", {"body": network}, facts.vocabulary, WEIGHTS["network_member"]
            )
        _project_reasons(facts, ("body", body.body.pk), suggestion)
        suggestion.is_research = body.body.kind in RESEARCH_KINDS
        pool.append(suggestion)

    def countries():
        return {m.country_code for m in members if m.country_code}

    def has_research():
        return any(getattr(m, "is_research", False) for m in members)

    def _is_new(suggestion):
        return bool(suggestion.country_code) and suggestion.country_code not in countries()

    def gain(suggestion):
        value = suggestion.score
        if len(countries()) < countries_needed and _is_new(suggestion):
            value += WEIGHTS["new_country"]
        if wants_research and suggestion.is_research and not has_research():
            value += WEIGHTS["research_missing"]
        return value

    while pool and (len(members) < partners_needed or len(countries()) < countries_needed):
        slots_left = partners_needed - len(members)
        countries_left = countries_needed - len(countries())
        choices = pool
        if countries_left >= slots_left:
            # Every remaining slot must bring a new country, where a candidate can.
            choices = [s for s in pool if _is_new(s)]
            if not choices:
                if slots_left <= 0:
                    break
                choices = pool
        best = max(choices, key=lambda s: (gain(s), -s.obj.pk))
        pool.remove(best)
        added = []
        if len(countries()) < countries_needed and _is_new(best):
            added.append(
                _("brings a partner from %(country)s")
                % {"country": country_name(best.country_code)}
            )
        if wants_research and best.is_research and not has_research():
            added.append(_("a research organisation, which the call admits"))
        best.reasons = added + best.reasons
        if not best.reasons:
            best.reasons = [_("eligible for the call")]
        members.append(best)

    missing = consortium_missing(
        members=members,
        partners_needed=partners_needed,
        countries_needed=countries_needed,
        wording=wording,
        wants_research=wants_research and not has_research(),
    )
    return ConsortiumPlan(
        call=call,
        members=members,
        missing=missing,
        required_partners=partners_needed,
        required_countries=countries_needed,
        country_rule=wording,
    )


def consortium_missing(*, members, partners_needed, countries_needed, wording, wants_research):
    """What the consortium still lacks, in words: each missing partner named by what it must
    bring (another country, research), then a count of any further partners needed."""
    missing = []
    country_gap = countries_needed - len({m.country_code for m in members if m.country_code})
    partner_gap = partners_needed - len(members)
    if wording == "member_states":
        other = _("a partner from another Member State")
        other_research = _("a research organisation from another Member State")
    else:
        other = _("a partner from another eligible country")
        other_research = _("a research organisation from another eligible country")
    for _index in range(max(country_gap, 0)):
        if wants_research:
            missing.append(other_research)
            wants_research = False
        else:
            missing.append(other)
    if wants_research:
        missing.append(_("a research organisation"))
    # Partners still missing beyond the ones named above.
    extra = partner_gap - len(missing)
    if extra > 0:
        missing.append(
            ngettext("%(count)d more partner", "%(count)d more partners", extra) % {"count": extra}
        )
    return missing


# --- "Not relevant" -------------------------------------------------------------------------


def suggestion_undismiss(*, cooperative, target_type, target_id):
    """Undo a "not relevant" mark of the cooperative (not one for a request's candidates):
    the item is suggested again at once (stored matches keep dismissed pairs; readers hide
    them). Returns whether there was one."""
    deleted, _rows = DismissedSuggestion.objects.filter(
        cooperative=cooperative,
        request__isnull=True,
        target_type=target_type,
        target_id=target_id,
    ).delete()
    return bool(deleted)


def hidden_calls(cooperative, *, limit=50):
    """The calls a cooperative marked "not relevant", latest first (for "Show again")."""
    dismissed = DismissedSuggestion.objects.filter(
        cooperative=cooperative, request__isnull=True, target_type=DismissedSuggestion.Target.CALL
    ).order_by("-dismissed_at", "-pk")
    ids = list(dismissed.values_list("target_id", flat=True)[:limit])
    calls = Call.objects.in_bulk(ids)
    return [calls[pk] for pk in ids if pk in calls]


def suggestion_dismiss(*, cooperative, target_type, target_id, by, request=None):
    """Record that `cooperative` finds this suggestion not relevant (idempotent).

    With `request`, the suggestion was a candidate partner for that request of the
    cooperative; otherwise a request or call suggested to the cooperative itself.
    """
    lookup = {"target_type": target_type, "target_id": target_id}
    if request is not None:
        lookup["request"] = request
    else:
        lookup["request__isnull"] = True
    with transaction.atomic():
        existing = DismissedSuggestion.objects.filter(cooperative=cooperative, **lookup).first()
        if existing:
            return existing, False
        return (
            DismissedSuggestion.objects.create(
                cooperative=cooperative,
                request=request,
                target_type=target_type,
                target_id=target_id,
                dismissed_by=by,
                dismissed_at=timezone.now(),
            ),
            True,
        )


def dismissal_target_exists(target_type, target_id):
    models = {
        DismissedSuggestion.Target.CALL: Call,
        DismissedSuggestion.Target.REQUEST: PartnershipRequest,
        DismissedSuggestion.Target.COOPERATIVE: Cooperative,
        DismissedSuggestion.Target.BODY: Body,
    }
    return models[target_type].objects.filter(pk=target_id).exists()

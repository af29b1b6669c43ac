"""The scoring engine of the stored matches: compact facts, inverted indexes, top K.

Scoring reads plain ids, loaded in bulk with `values_list` over the link tables (no model
instances, no prefetch), and scores them with the live scorers' own functions
(`funding.matching.call_fit`, `partnerships.matching.score_cooperative`), so stored and live
reasons are the same by construction. Inverted indexes (sector, section, theme, country,
project partner -> calls or requests or cooperatives) make a cooperative meet only what it
can share something with.

What is kept (see `matches.services` for how it stays so):
- per cooperative, its best `CALLS_KEPT` calls (score desc, next deadline asc with no
  deadline last, call pk) and its best `REQUESTS_KEPT` requests (score desc, title, pk);
- per request, its best `CANDIDATES_KEPT` cooperatives (score desc, name, pk), the
  direction the candidates page reads;
- a request row is kept if it is in either top (`in_cooperative_top`, `in_request_top`).
Items the cooperative marked "not relevant" (and requests it answered) are left out of its
tops, so its kept rows are what its pages can show.
"""

import heapq
from collections import defaultdict
from dataclasses import dataclass

from funding.matching import (
    APPLICANT_CODES,
    HOME_COUNTRY,
    CallFacts,
    ProfileFacts,
)
from funding.models import ApplicantType, Call, status_conditions
from members.models import Cooperative, Sector, Theme
from partnerships.matching import (
    CooperativeFacts,
    CooperativeKey,
    RequestFacts,
    RequestKey,
    SectorKey,
    ThemeKey,
    TypeKey,
    project_index,
    project_links,
    score_cooperative,
)
from partnerships.models import DismissedSuggestion, ExpressionOfInterest, PartnershipRequest

CALLS_KEPT = 50  # calls kept per cooperative: pages show 10 (dashboard) or 20
REQUESTS_KEPT = 50  # requests kept per cooperative
CANDIDATES_KEPT = 50  # cooperatives kept per request (the candidates page shows 20)
SHOWN = 20  # the most rows a page shows: below this many visible rows, refresh

NO_DEADLINE = float("inf")


def _codes(raw):
    """A multiple CountryField's stored value ("AT,BE") as a set of codes."""
    return frozenset(raw.split(",")) if raw else frozenset()


def _grouped(pairs, rank=None):
    """{left: tuple of rights} from (left, right) rows, rights in `rank` order if given."""
    grouped = defaultdict(list)
    for left, right in pairs:
        grouped[left].append(right)
    if rank is not None:
        for values in grouped.values():
            values.sort(key=lambda pk: rank.get(pk, 0))
    return grouped


@dataclass
class Vocabulary:
    """Vocabulary rows as ids: each sector's section, and the model orderings (sectors by
    code, themes by name, applicant types by position) the live scorers iterate in."""

    section_of: dict
    sector_rank: dict
    theme_rank: dict
    type_rank: dict
    type_code: dict

    @classmethod
    def load(cls):
        sectors = list(Sector.objects.values_list("pk", "section_id"))  # Meta ordering: code
        types = list(ApplicantType.objects.values_list("pk", "code"))
        return cls(
            section_of=dict(sectors),
            sector_rank={pk: rank for rank, (pk, _section) in enumerate(sectors)},
            theme_rank={
                pk: rank for rank, pk in enumerate(Theme.objects.values_list("pk", flat=True))
            },
            type_rank={pk: rank for rank, (pk, _code) in enumerate(types)},
            type_code=dict(types),
        )

    def sector(self, pk):
        return SectorKey(pk, self.section_of.get(pk))


# --- Calls -----------------------------------------------------------------------------------


def gated_calls(at):
    """Calls past the call-level hard gates (published, not closed at `at`, open to an
    Italian cooperative). The sector/theme gate depends on the cooperative (`CallIndex`)."""
    # "Not closed" as a condition on the row itself (not `pk NOT IN <closed calls>`), and no
    # ordering: callers read ids, or use this as a subquery.
    return (
        Call.objects.published()
        .exclude(status_conditions(at)[Call.Status.CLOSED])
        .eligible_in(HOME_COUNTRY)
        .open_to_applicants(APPLICANT_CODES)
        .order_by()
    )


@dataclass
class CallSet:
    facts: dict  # pk -> CallFacts
    deadline: dict  # pk -> next deadline timestamp (inf: none), for the order

    def key(self, score, pk):
        """The order of a cooperative's calls, as a sort key (smallest first)."""
        return (-score, self.deadline.get(pk, NO_DEADLINE), pk)


def load_calls(at, vocabulary, call_ids=None):
    """The gated calls (or those of `call_ids`) as `CallFacts`, in five queries."""
    calls = gated_calls(at)
    if call_ids is not None:
        calls = calls.filter(pk__in=list(call_ids))
    rows = list(calls.values_list("pk", "eligible_countries", "next_deadline_at"))
    if not rows:
        return CallSet({}, {})
    scope = {"call_id__in": calls.values("pk")}
    sectors = _grouped(
        Call.sectors.through.objects.filter(**scope).values_list("call_id", "sector_id"),
        vocabulary.sector_rank,
    )
    themes = _grouped(
        Call.themes.through.objects.filter(**scope).values_list("call_id", "theme_id"),
        vocabulary.theme_rank,
    )
    named = set(
        Call.applicant_types.through.objects.filter(
            applicanttype__code="cooperative", **scope
        ).values_list("call_id", flat=True)
    )
    facts, deadline = {}, {}
    for pk, countries, next_deadline in rows:
        facts[pk] = CallFacts(
            pk=pk,
            sectors=tuple(vocabulary.sector(s) for s in sectors.get(pk, ())),
            themes=tuple(themes.get(pk, ())),
            countries=_codes(countries),
            cooperatives_named=pk in named,
        )
        if next_deadline is not None:
            deadline[pk] = next_deadline.timestamp()
    return CallSet(facts, deadline)


class CallIndex:
    """Calls by the cooperative sectors and themes that admit them: the sector/theme gate of
    `funding.matching.calls_for_profile` (`Call.objects.in_sectors` or a shared theme)."""

    def __init__(self, calls):
        self.by_sector = defaultdict(set)  # a cooperative's sector pk -> calls
        self.by_section_of = defaultdict(set)  # section of a cooperative's division -> calls
        self.by_theme = defaultdict(set)
        for call in calls.values():
            for pk, section_id in call.sectors:
                self.by_sector[pk].add(call.pk)  # tagged with the sector itself
                if section_id:  # a cooperative tagged with the division's section
                    self.by_sector[section_id].add(call.pk)
                else:  # a call tagged with a section admits its divisions
                    self.by_section_of[pk].add(call.pk)
            for pk in call.themes:
                self.by_theme[pk].add(call.pk)

    def for_cooperative(self, cooperative, vocabulary):
        found = set()
        for pk in cooperative.sector_ids:
            found |= self.by_sector.get(pk, set())
            section = vocabulary.section_of.get(pk)
            if section:
                found |= self.by_section_of.get(section, set())
        for pk in cooperative.theme_ids:
            found |= self.by_theme.get(pk, set())
        return found


# --- Cooperatives ----------------------------------------------------------------------------


@dataclass
class Cooperative_:
    """A cooperative as the engine reads it."""

    pk: int
    name: str
    cooperative_type: str
    sector_ids: tuple  # its sectors in code order, then its main sector if not among them
    owner_sector_ids: tuple  # sectors then main sector (as a request's owner is read)
    theme_ids: tuple  # in the themes' order
    countries: frozenset  # countries of interest, Italy included
    profile: ProfileFacts  # what `call_fit` reads
    facts: CooperativeFacts  # what `score_cooperative` reads


def load_cooperatives(vocabulary, *, ids=None, active=True):
    """Cooperatives (active ones, or those of `ids`) by pk, in three queries."""
    cooperatives = Cooperative.objects.active() if active else Cooperative.objects.all()
    if ids is not None:
        cooperatives = cooperatives.filter(pk__in=list(ids))
    rows = list(
        cooperatives.values_list(
            "pk", "legal_name", "cooperative_type", "main_sector_id", "countries_of_interest"
        )
    )
    if not rows:
        return {}
    scope = {"cooperative_id__in": cooperatives.values("pk")}
    sectors = _grouped(
        Cooperative.sectors.through.objects.filter(**scope).values_list(
            "cooperative_id", "sector_id"
        ),
        vocabulary.sector_rank,
    )
    themes = _grouped(
        Cooperative.themes.through.objects.filter(**scope).values_list(
            "cooperative_id", "theme_id"
        ),
        vocabulary.theme_rank,
    )
    found = {}
    section_of = vocabulary.section_of
    for pk, name, kind, main, countries in rows:
        own = tuple(sectors.get(pk, ()))
        every = own + ((main,) if main and main not in own else ())
        theme_ids = tuple(themes.get(pk, ()))
        interests = _codes(countries)
        division_ids = frozenset(every)
        key = CooperativeKey(pk, kind)
        found[pk] = Cooperative_(
            pk=pk,
            name=name,
            cooperative_type=kind,
            sector_ids=every,
            owner_sector_ids=own + ((main,) if main else ()),
            theme_ids=theme_ids,
            countries=interests,
            profile=ProfileFacts(
                division_ids=division_ids,
                section_ids=frozenset(section_of[s] for s in every if section_of.get(s)),
                theme_ids=frozenset(theme_ids),
                interests=interests - {HOME_COUNTRY},
            ),
            facts=CooperativeFacts(
                cooperative=key,
                division_ids=division_ids,
                section_ids=frozenset(section_of.get(s) or s for s in every),
                theme_ids=frozenset(theme_ids),
                countries=interests - {HOME_COUNTRY},
            ),
        )
    return found


def name_ranks(cooperatives):
    """pk -> position in the candidates' order (name, then pk), for the request tops."""
    ordered = sorted(cooperatives.values(), key=lambda c: (c.name.lower(), c.pk))
    return {cooperative.pk: rank for rank, cooperative in enumerate(ordered)}


class CooperativeIndex:
    """Cooperatives by what they can share with a call or a request."""

    def __init__(self, cooperatives, vocabulary):
        self.by_sector = defaultdict(set)  # a sector a cooperative is tagged with
        self.by_section = defaultdict(set)  # the section of one of its divisions
        self.by_section_or_self = defaultdict(set)  # section_id or pk of each of its sectors
        self.by_theme = defaultdict(set)
        self.by_country = defaultdict(set)
        for cooperative in cooperatives.values():
            for pk in cooperative.sector_ids:
                self.by_sector[pk].add(cooperative.pk)
                section = vocabulary.section_of.get(pk)
                if section:
                    self.by_section[section].add(cooperative.pk)
                self.by_section_or_self[section or pk].add(cooperative.pk)
            for pk in cooperative.theme_ids:
                self.by_theme[pk].add(cooperative.pk)
            for code in cooperative.facts.countries:
                self.by_country[code].add(cooperative.pk)

    def for_call(self, call):
        """Cooperatives the call's sectors and themes admit (the inverse of `CallIndex`)."""
        found = set()
        for pk, section_id in call.sectors:
            found |= self.by_sector.get(pk, set())
            if section_id:
                found |= self.by_sector.get(section_id, set())
            else:
                found |= self.by_section.get(pk, set())
        for pk in call.themes:
            found |= self.by_theme.get(pk, set())
        return found

    def for_request(self, facts):
        """Cooperatives that share something with the request (`shares_something_with`)."""
        found = set()
        for pk in facts.section_ids:
            found |= self.by_section_or_self.get(pk, set())
        for pk in facts.theme_ids:
            found |= self.by_theme.get(pk, set())
        for code in facts.countries:
            found |= self.by_country.get(code, set())
        for kind, pk in (*facts.partners, *facts.on_call):
            if kind == "cooperative":
                found.add(pk)
        found.discard(facts.owner_id)
        return found


# --- Requests --------------------------------------------------------------------------------


def load_requests(at, vocabulary, request_ids=None, owners=None):
    """Open requests (or those of `request_ids`) passing the cooperatives' gates, as
    `RequestFacts` built from ids, in a fixed number of queries. `owners`: loaded
    cooperatives to reuse (the owners missing are loaded)."""
    requests = PartnershipRequest.objects.open_for_interest(at)
    if request_ids is not None:
        requests = requests.filter(pk__in=list(request_ids))
    rows = list(
        requests.order_by("pk").values_list(
            "pk", "title", "owner_id", "sought_countries", "call_id"
        )
    )
    if not rows:
        return []
    scope = {"partnershiprequest_id__in": requests.values("pk")}
    through = PartnershipRequest.sought_organisation_types.through.objects
    sought_types = _grouped(
        through.filter(**scope).values_list("partnershiprequest_id", "applicanttype_id"),
        vocabulary.type_rank,
    )
    sought_sectors = _grouped(
        PartnershipRequest.sought_sectors.through.objects.filter(**scope).values_list(
            "partnershiprequest_id", "sector_id"
        ),
        vocabulary.sector_rank,
    )
    sought_themes = _grouped(
        PartnershipRequest.sought_themes.through.objects.filter(**scope).values_list(
            "partnershiprequest_id", "theme_id"
        ),
        vocabulary.theme_rank,
    )
    owners = dict(owners or {})
    missing = {row[2] for row in rows} - set(owners)
    if missing:
        owners.update(load_cooperatives(vocabulary, ids=missing, active=False))
    call_ids = {row[4] for row in rows} - {None}
    calls, call_codes = {}, defaultdict(set)
    if call_ids:
        calls = dict(Call.objects.filter(pk__in=call_ids).values_list("pk", "eligible_countries"))
        for call_id, type_id in Call.applicant_types.through.objects.filter(
            call_id__in=call_ids
        ).values_list("call_id", "applicanttype_id"):
            call_codes[call_id].add(vocabulary.type_code[type_id])
    projects = project_index(cooperative_ids=owners.keys(), call_ids=call_ids)
    by_cooperative, by_call = defaultdict(list), defaultdict(list)
    for project in projects:
        for pk in project["cooperatives"]:
            by_cooperative[pk].append(project)
        if project["call_id"]:
            by_call[project["call_id"]].append(project)
    found = []
    for pk, title, owner_id, countries, call_id in rows:
        owner = owners[owner_id]
        sought = _codes(countries)
        sectors = sought_sectors.get(pk) or owner.owner_sector_ids
        relevant = {p["pk"]: p for p in (*by_cooperative[owner_id], *by_call.get(call_id, ()))}
        partners, on_call = project_links(
            owner_id, call_id, [relevant[key] for key in sorted(relevant)]
        )
        facts = RequestFacts(
            request=RequestKey(pk, title),
            owner_id=owner_id,
            owner_type=owner.cooperative_type,
            sought_types=[TypeKey(t, vocabulary.type_code[t]) for t in sought_types.get(pk, ())],
            sought_countries=sought,
            sectors=[vocabulary.sector(s) for s in sectors],
            themes=[ThemeKey(t) for t in (sought_themes.get(pk) or owner.theme_ids)],
            countries=(sought | owner.countries) - {HOME_COUNTRY},
            call_countries=_codes(calls.get(call_id, "")) if call_id else frozenset(),
            call_codes=frozenset(call_codes.get(call_id, ())),
            partners=partners,
            on_call=on_call,
        )
        if facts.cooperatives_pass:
            found.append(facts)
    return found


class RequestIndex:
    """Open requests by what a cooperative may share with them (`shares_something_with`)."""

    def __init__(self, all_facts):
        self.postings = defaultdict(list)
        for position, facts in enumerate(all_facts):
            keys = {("section", pk) for pk in facts.section_ids}
            keys |= {("theme", pk) for pk in facts.theme_ids}
            keys |= {("country", code) for code in facts.countries}
            keys |= {("partner", key) for key in (*facts.partners, *facts.on_call)}
            for key in keys:
                self.postings[key].append(position)
        self.facts = all_facts

    def for_cooperative(self, cooperative):
        candidate = cooperative.facts
        keys = [("section", pk) for pk in candidate.section_ids]
        keys += [("theme", pk) for pk in candidate.theme_ids]
        keys += [("country", code) for code in candidate.countries]
        keys.append(("partner", ("cooperative", cooperative.pk)))
        positions = set()
        for key in keys:
            positions.update(self.postings.get(key, ()))
        return [self.facts[position] for position in sorted(positions)]


def request_fit(facts, cooperative):
    """(score, codes) of a request with a cooperative, or None: the live scorer's."""
    suggestion = score_cooperative(facts, cooperative.facts, kind="request", render=False)
    return None if suggestion is None else (suggestion.score, suggestion.codes)


def request_key(score, facts):
    """The order of a cooperative's requests (`readers.request_suggestions`)."""
    return (-score, facts.request.title.lower(), facts.request.pk)


# --- What a cooperative hid ------------------------------------------------------------------


class Hidden:
    """Pairs left out of the tops: calls and requests a cooperative marked "not relevant",
    requests it answered, and candidates a request's owner dismissed for that request."""

    def __init__(self, cooperative_ids=None, request_ids=None):
        """Everything (the rebuild), or what these cooperatives hid and what was dismissed
        among these requests' candidates."""
        everything = cooperative_ids is None and request_ids is None
        self.calls, self.requests, self.candidates = set(), set(), set()
        if everything or cooperative_ids is not None:
            dismissed = DismissedSuggestion.objects.filter(request__isnull=True)
            answered = ExpressionOfInterest.objects.all()
            if cooperative_ids is not None:
                dismissed = dismissed.filter(cooperative_id__in=list(cooperative_ids))
                answered = answered.filter(cooperative_id__in=list(cooperative_ids))
            for cooperative_id, kind, target in dismissed.values_list(
                "cooperative_id", "target_type", "target_id"
            ):
                if kind == DismissedSuggestion.Target.CALL:
                    self.calls.add((cooperative_id, target))
                elif kind == DismissedSuggestion.Target.REQUEST:
                    self.requests.add((cooperative_id, target))
            self.requests.update(answered.values_list("cooperative_id", "request_id"))
        if everything or request_ids is not None:
            candidates = DismissedSuggestion.objects.filter(
                request__isnull=False, target_type=DismissedSuggestion.Target.COOPERATIVE
            )
            if request_ids is not None:
                candidates = candidates.filter(request_id__in=list(request_ids))
            self.candidates.update(candidates.values_list("request_id", "target_id"))


def best(items, size, key=None):
    """The `size` smallest by `key` (the best first)."""
    return heapq.nsmallest(size, items, key=key)

"""Whether a cooperative passes a call's hard gates, gate by gate, in words.

The call page shows it to a signed-in member for their current cooperative. The gates are
the ones the call-to-cooperative match applies in SQL (`funding.matching`: the applicant
types a member cooperative counts as, and the home country), plus two the match cannot
apply to every cooperative at once: the cooperative type, where a call admits cooperatives
only as social economy enterprises, and the consortium, which is advice (how many partners
from how many countries), not a failure.

Everything here reads what the call page has already loaded (the call's applicant types
prefetched, the cooperative's row): no query of its own. Which cooperative is the person's
current one is `members.current`'s to say.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from funding.matching import APPLICANT_CODES, HOME_COUNTRY
from funding.models import EU_MEMBER_STATES
from members.models import Cooperative

SOCIAL_ECONOMY = "social-economy"
# The cooperative types that are social economy enterprises in the sense of the calls that
# admit cooperatives only as such (Italian social cooperatives, law 381/1991).
SOCIAL_ECONOMY_TYPES = frozenset({Cooperative.Type.SOCIAL_A, Cooperative.Type.SOCIAL_B})
# A long list of countries is named up to this many, then "and N more".
COUNTRIES_NAMED = 6


class GateCode:
    APPLICANT = "applicant"
    COUNTRY = "country"
    COOPERATIVE_TYPE = "cooperative_type"
    CONSORTIUM = "consortium"


LABELS = {
    GateCode.APPLICANT: gettext_lazy("Applicant type"),
    GateCode.COUNTRY: gettext_lazy("Country"),
    GateCode.COOPERATIVE_TYPE: gettext_lazy("Cooperative type"),
    GateCode.CONSORTIUM: gettext_lazy("Consortium"),
}


@dataclass(frozen=True)
class GateResult:
    """One gate: `passed` is True, False, or None when the profile does not say.

    `blocking` is False for advice (the consortium): it never makes a call closed to the
    cooperative. `partners` and `countries` are the consortium's size, for the link to the
    consortium builder.
    """

    code: str
    passed: bool | None
    sentence: str
    blocking: bool = True
    partners: int = 0
    countries: int = 0

    @property
    def label(self):
        return LABELS[self.code]


def consortium_rules(call):
    """(partners needed, distinct countries needed) for a call requiring a consortium.

    The same rule as the consortium builder's (partnerships.matching.consortium_rules): at
    least `min_partners`, or two; from as many different eligible countries, when the call is
    open to more than one country.
    """
    partners = call.min_partners or (2 if call.consortium_required else 1)
    codes = {country.code for country in call.eligible_countries}
    if not call.consortium_required or len(codes) < 2:
        return partners, 1
    return partners, min(partners, len(codes))


def call_gates(call, cooperative):
    """The gates of `call` for `cooperative`, in the order a person checks them."""
    gates = [_applicant_gate(call)]
    type_gate = _cooperative_type_gate(call, cooperative)
    if type_gate is not None:
        gates.append(type_gate)
    gates.append(_country_gate(call))
    gates.append(_consortium_gate(call))
    return gates


def passes_all(gates):
    """True when every blocking gate passed, False when one failed, None when one is unknown."""
    blocking = [gate.passed for gate in gates if gate.blocking]
    if False in blocking:
        return False
    if None in blocking:
        return None
    return True


# --- The gates -------------------------------------------------------------------------


def _names(items):
    return ", ".join(str(item) for item in items)


def _applicant_gate(call):
    types = list(call.applicant_types.all())
    if not types:
        return GateResult(GateCode.APPLICANT, True, _("The call does not restrict who may apply."))
    admitted = [kind for kind in types if kind.code in APPLICANT_CODES]
    if admitted:
        return GateResult(
            GateCode.APPLICANT,
            True,
            _("A member cooperative may apply as: %(types)s.") % {"types": _names(admitted)},
        )
    return GateResult(
        GateCode.APPLICANT,
        False,
        _("The call is only for %(types)s: a cooperative is not among the applicants it admits.")
        % {"types": _names(types)},
    )


def _cooperative_type_gate(call, cooperative):
    """Only where a cooperative can apply as a social economy enterprise and nothing else."""
    codes = {kind.code for kind in call.applicant_types.all()}
    if codes & set(APPLICANT_CODES) != {SOCIAL_ECONOMY}:
        return None
    kind = cooperative.cooperative_type
    if not kind:
        return GateResult(
            GateCode.COOPERATIVE_TYPE,
            None,
            _(
                "The call admits cooperatives only as social economy enterprises, and the "
                "profile of %(cooperative)s does not say its cooperative type: add it to know."
            )
            % {"cooperative": cooperative.legal_name},
        )
    label = Cooperative.Type(kind).label
    if kind in SOCIAL_ECONOMY_TYPES:
        return GateResult(
            GateCode.COOPERATIVE_TYPE,
            True,
            _(
                "The call admits cooperatives as social economy enterprises: %(cooperative)s, "
                "a %(type)s, is one."
            )
            % {"cooperative": cooperative.legal_name, "type": label},
        )
    return GateResult(
        GateCode.COOPERATIVE_TYPE,
        False,
        _(
            "The call admits cooperatives only as social economy enterprises, such as social "
            "cooperatives; %(cooperative)s is a %(type)s."
        )
        % {"cooperative": cooperative.legal_name, "type": label},
    )


def _country_gate(call):
    countries = list(call.eligible_countries)
    codes = {country.code for country in countries}
    if not codes:
        return GateResult(
            GateCode.COUNTRY, True, _("The call is open to organisations from any country.")
        )
    if HOME_COUNTRY in codes:
        sentence = (
            _("Organisations based in the EU Member States may apply, Italy among them.")
            if codes >= EU_MEMBER_STATES
            else _("Organisations based in Italy may apply.")
        )
        return GateResult(GateCode.COUNTRY, True, sentence)
    names = sorted(country.name for country in countries)
    shown = _names(names[:COUNTRIES_NAMED])
    if len(names) > COUNTRIES_NAMED:
        more = len(names) - COUNTRIES_NAMED
        shown = "{} {}".format(
            shown, ngettext("and %(count)d more", "and %(count)d more", more) % {"count": more}
        )
    return GateResult(
        GateCode.COUNTRY,
        False,
        _("Only organisations based in %(countries)s may apply; your cooperative is in Italy.")
        % {"countries": shown},
    )


def _consortium_gate(call):
    if not call.consortium_required:
        return GateResult(
            GateCode.CONSORTIUM, True, _("Your cooperative may apply alone."), blocking=False
        )
    partners, countries = consortium_rules(call)
    if countries > 1:
        sentence = ngettext(
            "You need a consortium: at least %(partners)d partners from %(countries)d "
            "different country.",
            "You need a consortium: at least %(partners)d partners from %(countries)d "
            "different countries.",
            countries,
        ) % {"partners": partners, "countries": countries}
    else:
        sentence = ngettext(
            "You need a consortium: at least %(partners)d partner.",
            "You need a consortium: at least %(partners)d partners.",
            partners,
        ) % {"partners": partners}
    return GateResult(
        GateCode.CONSORTIUM,
        True,
        sentence,
        blocking=False,
        partners=partners,
        countries=countries,
    )

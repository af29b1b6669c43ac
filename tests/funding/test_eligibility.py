"""The call page's hard gates for the person's current cooperative (funding.eligibility)."""

import pytest
from django.utils import translation

from funding.eligibility import GateCode, call_gates, passes_all
from funding.matching import APPLICANT_CODES, HOME_COUNTRY
from funding.models import ApplicantType, Call
from members.current import SESSION_KEY as CURRENT_COOPERATIVE_KEY
from members.models import Cooperative
from tests.funding.factories import CallFactory
from tests.members.factories import CooperativeFactory, MembershipFactory

pytestmark = pytest.mark.django_db

EU27 = ["AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU",
        "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK"]  # fmt: skip


def types(*codes):
    return [ApplicantType.objects.get(code=code) for code in codes]


def gates_by_code(call, cooperative):
    with translation.override("en"):
        return {gate.code: gate for gate in call_gates(call, cooperative)}


@pytest.fixture
def worker():
    return CooperativeFactory(cooperative_type=Cooperative.Type.WORKER, legal_name="Officina")


@pytest.fixture
def social():
    return CooperativeFactory(cooperative_type=Cooperative.Type.SOCIAL_B, legal_name="Solidale")


# --- Each gate, passed and failed, in words --------------------------------------------------


def test_a_call_open_to_anyone_passes_every_gate(worker):
    gates = gates_by_code(CallFactory(), worker)
    assert list(gates) == [GateCode.APPLICANT, GateCode.COUNTRY, GateCode.CONSORTIUM]
    assert gates[GateCode.APPLICANT].sentence == "The call does not restrict who may apply."
    assert gates[GateCode.COUNTRY].sentence == (
        "The call is open to organisations from any country."
    )
    assert gates[GateCode.CONSORTIUM].sentence == "Your cooperative may apply alone."
    assert passes_all(gates.values()) is True


def test_the_applicant_gate_names_the_types_a_cooperative_applies_as(worker):
    call = CallFactory(applicant_types=types("sme", "research"))
    gate = gates_by_code(call, worker)[GateCode.APPLICANT]
    assert gate.passed is True
    assert gate.sentence == "A member cooperative may apply as: SME."


def test_the_applicant_gate_fails_when_no_cooperative_may_apply(worker):
    call = CallFactory(applicant_types=types("research", "public-body"))
    gates = gates_by_code(call, worker)
    gate = gates[GateCode.APPLICANT]
    assert gate.passed is False
    assert gate.sentence == (
        "The call is only for Research organisation, Public body: a cooperative is not among "
        "the applicants it admits."
    )
    assert passes_all(gates.values()) is False


def test_the_country_gate_passes_for_italy_and_the_member_states(worker):
    italy = gates_by_code(CallFactory(eligible_countries=["IT", "FR"]), worker)
    assert italy[GateCode.COUNTRY].passed is True
    assert italy[GateCode.COUNTRY].sentence == "Organisations based in Italy may apply."
    union = gates_by_code(CallFactory(eligible_countries=EU27), worker)
    assert union[GateCode.COUNTRY].sentence == (
        "Organisations based in the EU Member States may apply, Italy among them."
    )


def test_the_country_gate_fails_elsewhere_and_names_the_countries(worker):
    gate = gates_by_code(CallFactory(eligible_countries=["TN", "MA"]), worker)[GateCode.COUNTRY]
    assert gate.passed is False
    assert gate.sentence == (
        "Only organisations based in Morocco, Tunisia may apply; your cooperative is in Italy."
    )
    many = ["AR", "BR", "CL", "CO", "MX", "PE", "UY", "PY"]
    gate = gates_by_code(CallFactory(eligible_countries=many), worker)[GateCode.COUNTRY]
    assert gate.sentence.endswith("Paraguay and 2 more may apply; your cooperative is in Italy.")


def test_the_cooperative_type_gate_applies_only_to_calls_for_social_economy_enterprises(
    worker, social
):
    only_social = CallFactory(applicant_types=types("social-economy", "ngo"))
    assert GateCode.COOPERATIVE_TYPE not in gates_by_code(CallFactory(), worker)
    assert GateCode.COOPERATIVE_TYPE not in gates_by_code(
        CallFactory(applicant_types=types("social-economy", "cooperative")), worker
    )

    passed = gates_by_code(only_social, social)[GateCode.COOPERATIVE_TYPE]
    assert passed.passed is True
    assert passed.sentence == (
        "The call admits cooperatives as social economy enterprises: Solidale, a Social "
        "cooperative (type B), is one."
    )
    failed = gates_by_code(only_social, worker)
    assert failed[GateCode.COOPERATIVE_TYPE].passed is False
    assert failed[GateCode.COOPERATIVE_TYPE].sentence == (
        "The call admits cooperatives only as social economy enterprises, such as social "
        "cooperatives; Officina is a Worker cooperative."
    )
    assert passes_all(failed.values()) is False


def test_an_unknown_cooperative_type_is_said_not_guessed():
    blank = CooperativeFactory(cooperative_type="", legal_name="Senza Tipo")
    gates = gates_by_code(CallFactory(applicant_types=types("social-economy")), blank)
    gate = gates[GateCode.COOPERATIVE_TYPE]
    assert gate.passed is None
    assert "does not say its cooperative type" in gate.sentence
    assert passes_all(gates.values()) is None


def test_the_consortium_is_advice_with_partners_and_countries(worker):
    horizon = CallFactory(consortium_required=True, min_partners=3, eligible_countries=EU27)
    gates = gates_by_code(horizon, worker)
    gate = gates[GateCode.CONSORTIUM]
    assert (gate.passed, gate.blocking, gate.partners, gate.countries) == (True, False, 3, 3)
    assert gate.sentence == (
        "You need a consortium: at least 3 partners from 3 different countries."
    )
    assert passes_all(gates.values()) is True
    regional = CallFactory(consortium_required=True, eligible_countries=["IT"])
    assert gates_by_code(regional, worker)[GateCode.CONSORTIUM].sentence == (
        "You need a consortium: at least 2 partners."
    )


def test_the_consortium_rule_is_the_consortium_builders(worker):
    from partnerships.matching import consortium_rules as builders_rule

    for call in (
        CallFactory(consortium_required=True, min_partners=3, eligible_countries=EU27),
        CallFactory(consortium_required=True, min_partners=5, eligible_countries=["IT", "FR"]),
        CallFactory(consortium_required=True, eligible_countries=["IT"]),
        CallFactory(consortium_required=False),
    ):
        gate = gates_by_code(call, worker)[GateCode.CONSORTIUM]
        partners, countries, _wording = builders_rule(call)
        if call.consortium_required:
            assert (gate.partners, gate.countries) == (partners, countries)


def test_the_sentences_are_translated(worker):
    call = CallFactory(applicant_types=types("research"), eligible_countries=["TN"])
    with translation.override("it"):
        sentences = [gate.sentence for gate in call_gates(call, worker)]
    assert all(sentence for sentence in sentences)
    assert "Research organisation" not in " ".join(sentences)  # the Italian type name


# --- The gates agree with the match's SQL gates -------------------------------------------


def test_a_call_passing_every_gate_is_one_the_match_lets_through(worker, social):
    codes = ["cooperative", "sme", "social-economy", "research", "public-body", "ngo"]
    calls = []
    for index in range(36):
        kinds = [codes[(index + step) % len(codes)] for step in range(index % 3)]
        countries = [[], ["IT"], EU27, ["TN", "MA"], ["FR", "DE"], ["IT", "TN"]][index % 6]
        calls.append(
            CallFactory(
                applicant_types=types(*kinds),
                eligible_countries=countries,
                consortium_required=index % 4 == 0,
                min_partners=3 if index % 8 == 0 else None,
            )
        )
    through_sql = set(
        Call.objects.published()
        .eligible_in(HOME_COUNTRY)
        .open_to_applicants(APPLICANT_CODES)
        .values_list("pk", flat=True)
    )
    for cooperative in (worker, social):
        for call in Call.objects.prefetch_related("applicant_types").filter(
            pk__in=[c.pk for c in calls]
        ):
            gates = call_gates(call, cooperative)
            sql_gates = [g for g in gates if g.code in (GateCode.APPLICANT, GateCode.COUNTRY)]
            # The gates the SQL applies agree both ways; the cooperative type only narrows.
            assert (passes_all(sql_gates) is True) == (call.pk in through_sql), call
            if passes_all(gates):
                assert call.pk in through_sql


# --- On the call page: who sees what ------------------------------------------------------


def test_a_member_sees_the_gates_of_their_current_cooperative(client, worker, social):
    member = MembershipFactory(cooperative=worker).user
    MembershipFactory(user=member, cooperative=social)
    call = CallFactory(applicant_types=types("social-economy"))
    client.force_login(member)

    first = client.get(call.get_absolute_url())  # "Officina" before "Solidale" by name
    assert first.context["gate_cooperative"] == worker
    assert 'data-testid="call-gates" data-passed="no"' in first.content.decode()
    assert 'data-testid="gate-cooperative_type" data-passed="no"' in first.content.decode()

    session = client.session
    session[CURRENT_COOPERATIVE_KEY] = social.pk
    session.save()
    chosen = client.get(call.get_absolute_url())
    assert chosen.context["gate_cooperative"] == social
    assert 'data-testid="call-gates" data-passed="yes"' in chosen.content.decode()
    assert "Solidale" in chosen.content.decode()


def test_a_session_naming_someone_elses_cooperative_is_ignored(client, worker, social):
    member = MembershipFactory(cooperative=worker).user
    client.force_login(member)
    session = client.session
    session[CURRENT_COOPERATIVE_KEY] = social.pk  # not theirs
    session.save()
    response = client.get(CallFactory().get_absolute_url())
    assert response.context["gate_cooperative"] == worker
    assert "Solidale" not in response.content.decode()


def test_the_consortium_gate_links_to_the_builder(client, worker):
    member = MembershipFactory(cooperative=worker).user
    call = CallFactory(consortium_required=True, min_partners=3, eligible_countries=EU27)
    client.force_login(member)
    content = client.get(call.get_absolute_url()).content.decode()
    assert 'data-testid="gate-consortium-link"' in content
    assert f"/partnerships/consortium/{call.slug}/" in content


@pytest.mark.parametrize("who", ["anonymous", "no_cooperative", "staff"])
def test_people_in_no_cooperative_see_no_gates(client, who, worker, staff_user, signed_in_outsider):
    call = CallFactory()
    if who == "staff":
        client.force_login(staff_user)
    elif who == "no_cooperative":
        client.force_login(signed_in_outsider)
    response = client.get(call.get_absolute_url())
    assert response.status_code == 200
    assert "gates" not in response.context
    assert 'data-testid="call-gates"' not in response.content.decode()
    assert worker.legal_name not in response.content.decode()


def test_a_bad_session_value_is_no_error(client, worker):
    member = MembershipFactory(cooperative=worker).user
    client.force_login(member)
    session = client.session
    session[CURRENT_COOPERATIVE_KEY] = "\x00not-a-number" * 100
    session.save()
    response = client.get(CallFactory().get_absolute_url())
    assert response.status_code == 200
    assert response.context["gate_cooperative"] == worker

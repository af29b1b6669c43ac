import pytest
from django.forms.models import model_to_dict

from core import demo_loader
from networks import demo
from networks.models import Affiliation, Body, BodyFigure
from tests.demo_data import load_local_demo
from tests.networks.factories import AssociationFactory

pytestmark = pytest.mark.django_db

SHAREHOLDER_SLUGS = [
    "legacoop-emilia-romagna",
    "legacoop-romagna",
    "legacoop-emilia-ovest",
    "legacoop-estense",
    "legacoop-bologna",
    "ancpl-legacoop",
    "legacoop-agroalimentare-nord-italia",
]


def written_bodies():
    return demo_loader.parse(demo_loader.data_dir("networks") / "real.yaml")["networks.Body"]


def snapshot():
    return {
        model.__name__: sorted(
            (obj.pk, sorted(model_to_dict(obj).items())) for obj in model.objects.all()
        )
        for model in (Body, BodyFigure, Affiliation)
    }


def test_demo_loads_the_bodies_of_the_documents():
    counts = demo.load()
    bodies = written_bodies()
    assert counts == {
        "network bodies": len(bodies),
        "body figures": sum(len(body.get("figures", [])) for body in bodies),
        "affiliations": Affiliation.objects.count(),
    }
    assert Body.objects.count() == len(bodies) and BodyFigure.objects.count() > 0
    slugs = set(Body.objects.values_list("slug", flat=True))
    assert {
        "cooperatives-europe",
        "cecop-cicopa-europe",
        "cogeca",
        "ica",
        "cedp",
        "icdp",
        "coops4dev",
        "halieus",
        "legacoop-european-office",
        "emilia-romagna-brussels-office",
        "unibo",
        "unimore",
        "unipr",
        "unife",
    } <= slugs
    assert not Body.objects.filter(is_demo=True).exists()


def figures_of(slug):
    return {
        f.metric: f.value for f in BodyFigure.objects.filter(body__slug=slug, year__isnull=True)
    }


def test_demo_figures_are_exactly_those_of_the_documents_without_a_year():
    demo.load()
    assert figures_of("cooperatives-europe") == {"member_organisations": 84, "countries": 33}
    assert figures_of("cecop-cicopa-europe") == {
        "member_organisations": 27,
        "countries": 15,
        "enterprises": 50_000,
        "workers": 1_300_000,
    }
    assert figures_of("cogeca") == {
        "full_members": 35,
        "affiliated_members": 4,
        "partner_organisations": 36,
    }
    assert not BodyFigure.objects.filter(year__isnull=False).exists()
    assert all(
        "36 partner organisations" in f.source
        for f in BodyFigure.objects.filter(body__slug="cogeca")
    )
    # Real organisations added as partners carry no invented figures.
    assert not BodyFigure.objects.filter(
        body__kind__in=["university", "research_centre", "innovation_cluster"]
    ).exists()


def test_demo_parents_follow_the_documents():
    demo.load()
    parents = dict(Body.objects.filter(parent__isnull=False).values_list("slug", "parent__slug"))
    assert parents == {"cedp": "cooperatives-europe", "icdp": "ica"}
    ica = Body.objects.get(slug="ica")
    assert (ica.kind, ica.scope) == (Body.Kind.INTERNATIONAL_ALLIANCE, Body.Scope.GLOBAL)
    committee = Affiliation.objects.get(member_body__slug="icdp")
    assert committee.body == ica and committee.role == Affiliation.Role.COMMITTEE_OR_PLATFORM


def test_demo_loaded_twice_changes_nothing():
    demo.load()
    first = snapshot()
    demo.load()
    assert snapshot() == first


def test_load_demo_command_runs_twice_with_the_shareholders_drawn(client):
    for slug in SHAREHOLDER_SLUGS:
        AssociationFactory(slug=slug, name=slug.replace("-", " ").title())
    load_local_demo()
    first = snapshot()
    load_local_demo()
    assert snapshot() == first
    page = client.get("/networks/").content.decode()
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert svg.count('data-node="association-') >= len(SHAREHOLDER_SLUGS)
    assert svg.count('data-node="body-') == 10


def test_demo_does_not_need_the_associations():
    assert demo.load()["network bodies"] == len(written_bodies()) == Body.objects.count()

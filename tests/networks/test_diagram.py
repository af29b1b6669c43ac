import pytest

from networks.diagram import CENTRE_X, RIGHT_X, build_diagram, federation_diagram, wrap
from networks.models import Body
from tests.networks.factories import AssociationFactory, BodyFactory

pytestmark = pytest.mark.django_db


def nodes_by_kind(diagram):
    result = {}
    for node in diagram.nodes:
        result.setdefault(node.kind, []).append(node)
    return result


def test_innovacoop_is_in_the_centre_with_shareholders_left_and_bodies_right(network):
    diagram = federation_diagram()
    nodes = nodes_by_kind(diagram)
    (centre,) = nodes["centre"]
    assert centre.lines[0] == "INNOVACOOP"
    assert "2012" in centre.lines[1]
    assert {n.title for n in nodes["association"]} == {
        "Legacoop Emilia-Romagna",
        "Legacoop Romagna",
    }
    assert all(n.right < centre.x for n in nodes["association"])
    right = nodes["body"] + nodes["platform"]
    assert {n.title for n in right} == {
        "Cooperatives Europe",
        "International Cooperative Alliance",
        "International Cooperative Development Platform",
    }
    assert all(n.x == RIGHT_X for n in right)
    (office,) = nodes["office"]
    assert office.x == CENTRE_X and office.bottom <= centre.y


def test_regional_association_comes_first(network):
    diagram = federation_diagram()
    assert diagram.shareholders[0][0].slug == "legacoop-emilia-romagna"


def test_every_drawn_body_is_a_link_to_its_page(network):
    diagram = federation_diagram()
    for node in diagram.nodes:
        assert node.href, node.title
    assert network["committee"].get_absolute_url() in {n.href for n in diagram.nodes}


def test_edges_for_shareholders_works_through_and_part_of(network):
    kinds = [edge.kind for edge in federation_diagram().edges]
    assert kinds.count("shareholder") == 2
    assert kinds.count("part-of") == 1  # ICDP is part of the ICA
    # The fixture's federation and office are bodies the document says INNOVACOOP works through.
    assert kinds.count("works-through") == 3  # Cooperatives Europe, ICDP, the regional office


def test_many_offices_stay_inside_the_picture(db):
    offices = [
        BodyFactory(kind=Body.Kind.REPRESENTATION_OFFICE, name=f"Office {i}") for i in range(6)
    ]
    diagram = build_diagram(bodies=offices, shareholders=[])
    assert all(n.y >= 0 and n.bottom <= diagram.height for n in diagram.nodes)


def test_labels_are_escaped_in_the_page(client, db):
    AssociationFactory(name="<b>Legacoop & Co</b>")
    page = client.get("/networks/").content.decode()
    assert "&lt;b&gt;Legacoop &amp;" in page
    assert "<b>Legacoop" not in page


@pytest.mark.parametrize(
    ("text", "lines"),
    [
        ("COGECA", ["COGECA"]),
        ("Legacoop Agroalimentare Nord Italia", ["Legacoop Agroalimentare", "Nord Italia"]),
        (
            "A very long name that would never fit in two lines of a box",
            ["A very long name that", "would never fit in two…"],
        ),
    ],
)
def test_wrap_keeps_labels_within_two_lines(text, lines):
    assert wrap(text) == lines

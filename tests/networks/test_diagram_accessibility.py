"""The federation picture is usable without sight: a named group of links (not an image
with links inside), each link named by what is drawn, then by the full name."""

import pytest
from django.urls import reverse

from networks.diagram import Node

pytestmark = pytest.mark.django_db


def node(title, lines):
    return Node(key="k", title=title, lines=lines, href="/", kind="body", x=0, y=0, width=10)


def test_a_link_is_named_by_the_drawn_words_first_when_they_differ_from_the_title():
    drawn = node("European Confederation of Industrial Cooperatives", ["CECOP-CICOPA Europe"])
    assert drawn.accessible_name == (
        "CECOP-CICOPA Europe: European Confederation of Industrial Cooperatives"
    )


def test_a_link_is_named_by_its_title_when_the_drawn_words_are_in_it():
    assert node("Cooperatives Europe", ["Cooperatives Europe"]).accessible_name == (
        "Cooperatives Europe"
    )
    # Punctuation and wrapping do not count: the centre node's two lines are its title.
    centre = node("INNOVACOOP: SME set up in 2012", ["INNOVACOOP", "SME set up in 2012"])
    assert centre.accessible_name == "INNOVACOOP: SME set up in 2012"
    cut = node(
        "Legacoop Emilia-Romagna Associazione Regionale",
        ["Legacoop Emilia-Romagna", "Associazione Regi…"],
    )
    assert cut.accessible_name == "Legacoop Emilia-Romagna Associazione Regionale"


def test_the_picture_is_a_group_of_links_with_a_visible_text_version(client, network):
    page = client.get(reverse("networks:body-list")).content.decode()
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert 'role="img"' not in svg and 'role="group"' in svg
    assert f'<a href="{network["federation"].get_absolute_url()}"' in svg
    # The text version is not hidden away with focusable links in it: it opens on demand.
    caption = page[page.index("<figcaption") : page.index("</figcaption>")]
    assert "visually-hidden" not in caption and "<details" in caption

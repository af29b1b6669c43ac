"""The picture of how the federation connects, laid out on the server as inline SVG.

INNOVACOOP sits in the centre; its shareholder associations on the left; the European and
international bodies and the development platforms on the right (a dashed arc joins a body
to the body it is part of); the offices in Brussels above and below the centre. Every node
is a link, so the picture needs no JavaScript; for that reason the <svg> is a named group of
links, not role="img" (an image may not hold focusable things, WCAG "nested-interactive"),
and its text version lists the same links. The template `networks/_federation_diagram.html`
draws what `build_diagram` computes; nothing here queries the database except
`federation_diagram`, which makes a fixed number of queries.
"""

import re
from dataclasses import dataclass, field

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from members.models import Association
from networks.models import Body

# INNOVACOOP is the centre of the picture, not a body of the world outside: its facts come
# from the document ("INNOVACOOP is an SME set in 2012 to promote innovation and
# internationalization processes of cooperatives associated to Legacoop Emilia-Romagna").
INNOVACOOP_NAME = "INNOVACOOP"
INNOVACOOP_FOUNDED = 2012

# The bodies INNOVACOOP "operates through", as the document lists them (Legacoop's European
# office, Cooperatives Europe, CECOP-CICOPA Europe, COGECA, the Emilia-Romagna office it
# "cooperates with") and the development platforms of the design (CEDP, ICDP, Coops4dev,
# Halieus). Slugs of `Body`; the ones not in the database are simply not drawn.
INNOVACOOP_WORKS_THROUGH = (
    "legacoop-european-office",
    "emilia-romagna-brussels-office",
    "cooperatives-europe",
    "cecop-cicopa-europe",
    "cogeca",
    "cedp",
    "icdp",
    "coops4dev",
    "halieus",
)

BODY_KINDS = (
    Body.Kind.EUROPEAN_FEDERATION,
    Body.Kind.EUROPEAN_SECTOR_CONFEDERATION,
    Body.Kind.INTERNATIONAL_ALLIANCE,
)
PLATFORM_KINDS = (Body.Kind.DEVELOPMENT_PLATFORM,)
OFFICE_KINDS = (Body.Kind.REPRESENTATION_OFFICE, Body.Kind.REGIONAL_OFFICE)

# Geometry, in SVG user units (the picture scales to the page width).
WIDTH = 1000
TOP = 56
PITCH = 58
NODE_HEIGHT = 44
CENTRE_HEIGHT = 64
LEFT_X, LEFT_WIDTH = 10, 230
CENTRE_X, CENTRE_WIDTH = 390, 220
RIGHT_X, RIGHT_WIDTH = 730, 210
LINE_CHARS = 24


@dataclass
class Node:
    key: str
    title: str
    lines: list
    href: str | None
    kind: str  # centre, association, body, platform, office
    x: int
    y: int
    width: int
    height: int = NODE_HEIGHT
    text_rows: list = field(default_factory=list)

    @property
    def accessible_name(self):
        """The link's name for assistive technology (the SVG <title>): the full title, led
        by the words drawn when they differ, so that what is seen is what a voice-control
        user says (WCAG 2.5.3, label in name), e.g. "CECOP-CICOPA Europe: European
        Confederation of ..."."""
        drawn = " ".join(self.lines).removesuffix("…").strip()
        if _words(drawn) in _words(self.title):
            return self.title
        return f"{drawn}: {self.title}"

    @property
    def cx(self):
        return self.x + self.width // 2

    @property
    def cy(self):
        return self.y + self.height // 2

    @property
    def right(self):
        return self.x + self.width

    @property
    def bottom(self):
        return self.y + self.height


@dataclass
class Edge:
    d: str
    kind: str  # shareholder, works-through, part-of


@dataclass
class Diagram:
    width: int
    height: int
    nodes: list
    edges: list
    headings: list
    legend: list
    summary: str
    shareholders: list
    offices: list
    bodies: list

    @property
    def view_box(self):
        return f"0 0 {self.width} {self.height}"


def _words(text):
    """Text reduced to its words, lower case, one space apart: for "is this said there"."""
    return " ".join(re.findall(r"\w+", text.lower()))


def wrap(text, width=LINE_CHARS, max_lines=2):
    """Split a label into at most `max_lines` lines of about `width` characters."""
    lines, current = [], ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if current and len(candidate) > width:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        kept = lines[: max_lines - 1]
        rest = " ".join(lines[max_lines - 1 :])
        lines = [*kept, rest[: width - 1].rstrip() + "…"]
    return lines or [""]


def _place_text(node):
    """Baselines of the label's lines, centred vertically in the node's box."""
    line_height = 16
    first = node.cy - (len(node.lines) - 1) * line_height // 2 + 5
    node.text_rows = [(first + i * line_height, line) for i, line in enumerate(node.lines)]
    return node


def _association_href(association):
    # The members app may not serve association pages yet: then the node is not a link.
    try:
        return reverse("members:association-detail", kwargs={"slug": association.slug})
    except NoReverseMatch:
        return None


def _column_top(rows, count):
    """Top of the first node so that `count` nodes sit centred among `rows` rows."""
    return TOP + (rows - count) * PITCH // 2


def _curve(x1, y1, x2, y2):
    middle = (x1 + x2) // 2
    return f"M{x1} {y1} C{middle} {y1} {middle} {y2} {x2} {y2}"


def _kind_position(body):
    return (Body.Kind.values.index(body.kind), body.short_name.lower())


def build_diagram(*, bodies, shareholders):
    """Lay out the picture from bodies (any kinds: the ones drawn are picked here) and the
    shareholder associations. Pure: no database access beyond the objects given."""
    bodies = list(bodies)
    right = sorted((b for b in bodies if b.kind in BODY_KINDS), key=_kind_position)
    right += sorted((b for b in bodies if b.kind in PLATFORM_KINDS), key=_kind_position)
    offices = sorted((b for b in bodies if b.kind in OFFICE_KINDS), key=_kind_position)
    shareholders = list(shareholders)

    rows = max(len(shareholders), len(right), len(offices) + 3, 5)
    middle = TOP + rows * PITCH // 2
    nodes, edges = [], []

    centre = _place_text(
        Node(
            key="innovacoop",
            title=_("INNOVACOOP: SME set up in %(year)s") % {"year": INNOVACOOP_FOUNDED},
            lines=[INNOVACOOP_NAME, _("SME set up in %(year)s") % {"year": INNOVACOOP_FOUNDED}],
            href=reverse("home"),
            kind="centre",
            x=CENTRE_X,
            y=middle - CENTRE_HEIGHT // 2,
            width=CENTRE_WIDTH,
            height=CENTRE_HEIGHT,
        )
    )

    top = _column_top(rows, len(shareholders))
    for index, association in enumerate(shareholders):
        node = _place_text(
            Node(
                key=f"association-{association.pk}",
                title=association.name,
                lines=wrap(association.name),
                href=_association_href(association),
                kind="association",
                x=LEFT_X,
                y=top + index * PITCH,
                width=LEFT_WIDTH,
            )
        )
        nodes.append(node)
        edges.append(Edge(_curve(node.right, node.cy, centre.x, centre.cy), "shareholder"))

    works_through = set(INNOVACOOP_WORKS_THROUGH)
    top = _column_top(rows, len(right))
    placed = {}
    for index, body in enumerate(right):
        node = _place_text(
            Node(
                key=f"body-{body.pk}",
                title=body.name,
                lines=wrap(body.short_name),
                href=body.get_absolute_url(),
                kind="platform" if body.kind in PLATFORM_KINDS else "body",
                x=RIGHT_X,
                y=top + index * PITCH,
                width=RIGHT_WIDTH,
            )
        )
        nodes.append(node)
        placed[body.pk] = node
        if body.slug in works_through:
            edges.append(Edge(_curve(centre.right, centre.cy, node.x, node.cy), "works-through"))

    # Offices alternate above and below the centre, moving outwards.
    for index, body in enumerate(offices):
        step = index // 2 + 1
        above = index % 2 == 0
        offset = CENTRE_HEIGHT // 2 + (step - 1) * PITCH + PITCH // 2 + 6
        y = middle - offset - NODE_HEIGHT if above else middle + offset
        node = _place_text(
            Node(
                key=f"body-{body.pk}",
                title=body.name,
                lines=wrap(body.short_name),
                href=body.get_absolute_url(),
                kind="office",
                x=CENTRE_X,
                y=y,
                width=CENTRE_WIDTH,
            )
        )
        nodes.append(node)
        placed[body.pk] = node
        if body.slug not in works_through:
            continue
        if step == 1:
            start, end = (centre.y, node.bottom) if above else (centre.bottom, node.y)
            edges.append(Edge(f"M{centre.cx} {start} L{node.cx} {end}", "works-through"))
        else:  # further out: go round the inner office on the left
            bend = CENTRE_X - 30
            edges.append(
                Edge(
                    f"M{centre.x} {centre.cy} C{bend} {centre.cy} {bend} {node.cy} {node.x} {node.cy}",
                    "works-through",
                )
            )

    # "Part of": a dashed arc on the right from a body to its parent, arrow at the parent.
    arcs = 0
    for body in right:
        parent = placed.get(body.parent_id)
        if parent is None:
            continue
        child = placed[body.pk]
        bulge = RIGHT_X + RIGHT_WIDTH + 18 + 14 * (arcs % 3)
        edges.append(
            Edge(
                f"M{child.right} {child.cy} C{bulge} {child.cy} {bulge} {parent.cy} "
                f"{parent.right + 4} {parent.cy}",
                "part-of",
            )
        )
        arcs += 1

    nodes.append(centre)
    legend_y = TOP + rows * PITCH + 14
    legend = [
        {"kind": "shareholder", "x": LEFT_X, "y": legend_y, "label": _("shareholder of")},
        {"kind": "works-through", "x": 340, "y": legend_y, "label": _("INNOVACOOP works through")},
        {"kind": "part-of", "x": 680, "y": legend_y, "label": _("part of (committee, platform)")},
    ]
    headings = [
        {"x": LEFT_X + LEFT_WIDTH // 2, "label": _("Shareholder associations")},
        {"x": CENTRE_X + CENTRE_WIDTH // 2, "label": _("Offices in Brussels")},
        {"x": RIGHT_X + RIGHT_WIDTH // 2, "label": _("European bodies and platforms")},
    ]
    summary = _(
        "How INNOVACOOP connects: %(shareholders)s shareholder associations, "
        "%(bodies)s European and international bodies and platforms, "
        "%(offices)s offices in Brussels."
    ) % {"shareholders": len(shareholders), "bodies": len(right), "offices": len(offices)}
    return Diagram(
        width=WIDTH,
        height=legend_y + 24,
        nodes=nodes,
        edges=edges,
        headings=headings,
        legend=legend,
        summary=summary,
        shareholders=[(a, _association_href(a)) for a in shareholders],
        offices=offices,
        bodies=right,
    )


def innovacoop_shareholders():
    """INNOVACOOP's shareholder associations, the regional one first (one query)."""
    kinds = list(Association.Kind.values)
    associations = Association.objects.filter(is_innovacoop_shareholder=True)
    return sorted(
        associations,
        key=lambda a: (kinds.index(a.kind) if a.kind in kinds else len(kinds), a.name),
    )


def federation_diagram(*, bodies=None):
    """The picture, from bodies already loaded (e.g. by the list page) or from the database.

    Two queries at most (bodies, shareholders), whatever the number of rows."""
    if bodies is None:
        bodies = Body.objects.select_related("parent").filter(
            kind__in=[*BODY_KINDS, *PLATFORM_KINDS, *OFFICE_KINDS]
        )
    return build_diagram(bodies=bodies, shareholders=innovacoop_shareholders())

"""Reads of the networks app: what the pages show, in a fixed number of queries."""

from dataclasses import dataclass

from django.db.models import Prefetch

from networks.models import Affiliation, Body, BodyFigure


@dataclass
class KindGroup:
    kind: str
    label: str
    bodies: list

    @property
    def count(self):
        return len(self.bodies)


def body_directory():
    """Every body in `Body.Kind` order, with its parent and figures (three queries in all)."""
    return (
        Body.objects.kind_ordered()
        .select_related("parent")
        .prefetch_related(Prefetch("figures", to_attr="figure_list"))
    )


def group_by_kind(bodies):
    """Bodies (already in kind order) grouped by kind; kinds without bodies are left out."""
    groups = {}
    for body in bodies:
        if body.kind not in groups:
            groups[body.kind] = KindGroup(body.kind, body.get_kind_display(), [])
        groups[body.kind].bodies.append(body)
    return sorted(groups.values(), key=lambda group: Body.Kind.values.index(group.kind))


def body_detail_queryset():
    """A body with everything its page shows: figures, parent, children, members, memberships."""
    return Body.objects.select_related("parent").prefetch_related(
        Prefetch("figures", to_attr="figure_list"),
        Prefetch("children", queryset=Body.objects.order_by("name"), to_attr="child_list"),
        Prefetch(
            "affiliations",
            queryset=Affiliation.objects.select_related("association", "member_body").order_by(
                "role", "association__name", "member_body__name"
            ),
            to_attr="member_list",
        ),
        Prefetch(
            "memberships",
            queryset=Affiliation.objects.select_related("body").order_by("body__name"),
            to_attr="membership_list",
        ),
    )


def sorted_figures(figures):
    """Figures in the order of `BodyFigure.Metric`, newest year first within a metric."""
    metrics = BodyFigure.Metric.values
    return sorted(figures, key=lambda f: (metrics.index(f.metric), -(f.year or 0)))


def number_sources(figures):
    """Give each figure the number of its source sentence; figures quoting the same sentence
    share one number. Returns the figures and the sentences in order of first use."""
    sources = []
    for figure in figures:
        if figure.source not in sources:
            sources.append(figure.source)
        figure.source_number = sources.index(figure.source) + 1
    return figures, sources

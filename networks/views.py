from django.views.generic import DetailView, ListView

from core.fragments import CachedContentMixin
from networks.apps import DIRECTORY
from networks.diagram import INNOVACOOP_WORKS_THROUGH, federation_diagram
from networks.selectors import (
    body_detail_queryset,
    body_directory,
    group_by_kind,
    number_sources,
    sorted_figures,
)


class BodyListView(CachedContentMixin, ListView):
    """Bodies grouped by kind, under the picture of how the federation connects."""

    template_name = "networks/body_list.html"
    content_template = "networks/_body_list_content.html"
    content_data = (DIRECTORY,)
    context_object_name = "bodies"

    def get_queryset(self):
        return body_directory()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        bodies = list(context["bodies"])
        for body in bodies:
            body.figure_list = sorted_figures(body.figure_list)
        context["groups"] = group_by_kind(bodies)
        context["diagram"] = federation_diagram(bodies=bodies)
        return context


class BodyDetailView(DetailView):
    """A body: its figures with year and source, parent, bodies within it, members."""

    template_name = "networks/body_detail.html"
    context_object_name = "body"

    def get_queryset(self):
        return body_detail_queryset()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        body = self.object
        listed = {a.member_body_id for a in body.member_list if a.member_body_id}
        context["figures"], context["sources"] = number_sources(sorted_figures(body.figure_list))
        # A committee that is also recorded as an affiliation is shown once, among the members.
        context["children"] = [child for child in body.child_list if child.pk not in listed]
        context["innovacoop_works_through"] = body.slug in INNOVACOOP_WORKS_THROUGH
        return context

import functools

from django.db.models import prefetch_related_objects
from django.template.loader import render_to_string
from django.views.generic import DetailView, ListView

from core import fragments
from core.fragments import CachedContentMixin
from core.pagination import ForgivingPaginationMixin, forgiving_page
from members.apps import DIRECTORY
from members.filters import CooperativeFilterSet
from members.models import Association, Cooperative

PAGE_SIZE = 20


class CooperativeListView(CachedContentMixin, ForgivingPaginationMixin, ListView):
    """The directory of member cooperatives, filtered by facets and text search."""

    template_name = "members/cooperative_list.html"
    content_template = "members/_cooperative_list_content.html"
    content_data = (DIRECTORY,)
    context_object_name = "cooperatives"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        self.filterset = CooperativeFilterSet(
            self.request.GET or None,
            queryset=Cooperative.objects.active().with_directory_data(),
        )
        # Invalid values are reported on the form; the valid ones still filter.
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        return super().get_context_data(filterset=self.filterset, **kwargs)


class CooperativeDetailView(DetailView):
    """A cooperative's profile; contact data only for those allowed to see it.

    The content is kept rendered per directory version and per what the reader may see
    (`core.fragments`): contacts or not, signed in or not."""

    template_name = "members/cooperative_detail.html"
    context_object_name = "cooperative"

    def get_queryset(self):
        # Inactive cooperatives are for staff only (`members.view_cooperative`).
        return Cooperative.objects.visible_to(self.request.user).select_related(
            "main_sector", "main_sector__section"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        cooperative = self.object
        context["can_view_contacts"] = self.request.user.has_perm(
            "members.view_cooperative_contacts", cooperative
        )
        context["signed_in"] = self.request.user.is_authenticated
        context["content_html"] = fragments.cached_html(
            "members.cooperative-detail",
            functools.partial(self.render_content, context),
            data=[DIRECTORY],
            vary=(cooperative.pk, context["can_view_contacts"], context["signed_in"]),
        )
        return context

    def render_content(self, context):
        cooperative = self.object
        prefetch_related_objects([cooperative], "sectors", "themes", "associations")
        context["contacts"] = cooperative.contacts.all() if context["can_view_contacts"] else []
        return render_to_string(
            "members/_cooperative_detail_content.html",
            {
                "cooperative": cooperative,
                "can_view_contacts": context["can_view_contacts"],
                "contacts": context["contacts"],
                "signed_in": context["signed_in"],
            },
        )


class AssociationDetailView(DetailView):
    """An association: its published figures, its place in the federation, its cooperatives."""

    template_name = "members/association_detail.html"
    context_object_name = "association"
    queryset = Association.objects.select_related("parent").prefetch_related("figures", "children")

    def get_context_data(self, **kwargs):
        cooperatives = Cooperative.objects.active().of_association(self.object)
        cooperatives = cooperatives.with_directory_data()
        page = forgiving_page(self.request, cooperatives, PAGE_SIZE)
        return super().get_context_data(
            page_obj=page,
            cooperatives=page.object_list,
            is_paginated=page.has_other_pages(),
            **kwargs,
        )

from django.core.paginator import Paginator
from django.views.generic import DetailView, ListView

from members.filters import CooperativeFilterSet
from members.models import Association, Cooperative

PAGE_SIZE = 20


class ForgivingPaginationMixin:
    """A page number past the end (or not a number) shows the last (or first) page, not a 404."""

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        return paginator, page, page.object_list, page.has_other_pages()


class CooperativeListView(ForgivingPaginationMixin, ListView):
    """The directory of member cooperatives, filtered by facets and text search."""

    template_name = "members/cooperative_list.html"
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
    """A cooperative's profile; contact data only for those allowed to see it."""

    template_name = "members/cooperative_detail.html"
    context_object_name = "cooperative"

    def get_queryset(self):
        queryset = Cooperative.objects.select_related(
            "main_sector", "main_sector__section"
        ).prefetch_related("sectors", "themes", "associations")
        if not self.request.user.is_staff:
            queryset = queryset.active()
        return queryset

    def get_context_data(self, **kwargs):
        can_view_contacts = self.request.user.has_perm(
            "members.view_cooperative_contacts", self.object
        )
        contacts = self.object.contacts.all() if can_view_contacts else []
        return super().get_context_data(
            can_view_contacts=can_view_contacts, contacts=contacts, **kwargs
        )


class AssociationDetailView(DetailView):
    """An association: its published figures, its place in the federation, its cooperatives."""

    template_name = "members/association_detail.html"
    context_object_name = "association"
    queryset = Association.objects.select_related("parent").prefetch_related("figures", "children")

    def get_context_data(self, **kwargs):
        cooperatives = Cooperative.objects.active().of_association(self.object)
        cooperatives = cooperatives.with_directory_data()
        page = Paginator(cooperatives, PAGE_SIZE).get_page(self.request.GET.get("page"))
        return super().get_context_data(
            page_obj=page,
            cooperatives=page.object_list,
            is_paginated=page.has_other_pages(),
            **kwargs,
        )

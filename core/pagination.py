"""Pagination that forgives the page number: lists never answer 404 or 500 to `?page=`."""

from django.core.paginator import Paginator


def forgiving_page(request, object_list, per_page, *, page_kwarg="page"):
    """The page asked for; past the end the last page, not a number the first (Django's get_page)."""
    return Paginator(object_list, per_page).get_page(request.GET.get(page_kwarg))


class ForgivingPaginationMixin:
    """For ListViews: a page number past the end (or not a number) shows the last (or first)
    page, not a 404."""

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        return paginator, page, page.object_list, page.has_other_pages()

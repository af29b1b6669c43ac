from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.db.models import Prefetch
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, ListView

from funding import feeds
from funding.filters import CallFilterSet
from funding.models import Call, Deadline, Follow
from innovacoop.navigation import safe_next_url


def visible_calls(user):
    """Staff see every call (drafts with a banner); everyone else only published ones."""
    calls = Call.objects.all()
    return calls if user.is_staff else calls.published()


def filtered_calls(request):
    return CallFilterSet(request.GET, queryset=Call.objects.published())


class CallListView(ListView):
    template_name = "funding/call_list.html"
    context_object_name = "calls"
    paginate_by = 20

    def get_queryset(self):
        self.filterset = filtered_calls(self.request)
        return self.filterset.qs.select_related("programme").prefetch_related(
            Prefetch("deadlines", queryset=Deadline.objects.order_by("due_at"))
        )

    def paginate_queryset(self, queryset, page_size):
        # A malformed or huge page number shows the first or the last page, never an error.
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            filterset=self.filterset,
            facets=facet_groups(self.filterset),
            query_string=query.urlencode(),
            ics_url=_with_query("funding:call-feed-ics", query),
            rss_url=_with_query("funding:call-feed-rss", query),
        )
        return context


def _with_query(url_name, query):
    url = reverse(url_name)
    return f"{url}?{query.urlencode()}" if query else url


def facet_groups(filterset):
    """Checkbox groups of the catalogue: each value with its count and whether it is ticked."""
    counts = filterset.facet_counts()
    form = filterset.form
    groups = []
    for name in ("status", "level", "programme", "theme", "applicant", "consortium"):
        field = form.fields[name]
        selected = {str(value) for value in filterset.data.getlist(name)}
        options = []
        for value, label in field.choices:
            value = str(value)
            if not value:
                continue
            count = counts[name].get(value, 0)
            checked = value in selected
            if count or checked:
                options.append({"value": value, "label": label, "count": count, "checked": checked})
        groups.append({"name": name, "label": field.label, "options": options})
    return groups


class CallDetailView(DetailView):
    template_name = "funding/call_detail.html"
    context_object_name = "call"

    def get_queryset(self):
        return (
            visible_calls(self.request.user)
            .select_related("programme")
            .prefetch_related("deadlines", "themes", "sectors", "applicant_types")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        call = self.object
        user = self.request.user
        context["is_following"] = (
            user.is_authenticated and Follow.objects.filter(user=user, call=call).exists()
        )
        context["next_deadline"] = call.upcoming_deadline
        return context


@require_POST
def call_follow(request, slug):
    return _set_follow(request, slug, follow=True)


@require_POST
def call_unfollow(request, slug):
    return _set_follow(request, slug, follow=False)


def _set_follow(request, slug, *, follow):
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("funding:call-detail", kwargs={"slug": slug}))
    call = get_object_or_404(visible_calls(request.user), slug=slug)
    if follow:
        Follow.objects.get_or_create(user=request.user, call=call)
        messages.success(request, _("You follow this call: we will remind you of its deadlines."))
    else:
        Follow.objects.filter(user=request.user, call=call).delete()
        messages.info(request, _("You no longer follow this call."))
    return HttpResponseRedirect(safe_next_url(request, call.get_absolute_url()))


def call_feed_ics(request):
    filterset = filtered_calls(request)
    body = feeds.ics_calendar(filterset.qs, request)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="innovacoop-calls.ics"'
    return response


def call_feed_rss(request):
    filterset = filtered_calls(request)
    feed = feeds.rss_feed(filterset.filtered, request)
    response = HttpResponse(content_type="application/rss+xml; charset=utf-8")
    feed.write(response, "utf-8")
    return response

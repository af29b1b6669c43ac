import functools

from django import forms
from django.contrib import messages
from django.db.models import Exists, OuterRef, Prefetch, Q, prefetch_related_objects
from django.http import HttpResponse, HttpResponseRedirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import condition, require_POST
from django.views.generic import DetailView, TemplateView
from django_countries import countries

from core import fragments
from core.navigation import safe_next_url
from core.pagination import forgiving_page
from funding import eligibility, exports, feeds
from funding.filters import catalogue
from funding.models import Call, Deadline, Follow
from members.access import get_visible_or_404, permission_required
from members.current import current_cooperative


def filtered_calls(request):
    return catalogue(request.GET)


class CallListView(TemplateView):
    """The catalogue: filters with counts, search, cards, pages.

    The filter column and the results are the same for everyone with the same selection and
    read the whole catalogue, so each is rendered once per catalogue version, minute,
    language and selection (`core.fragments`); what is per person (save as alert) is
    rendered around them on each view. The context of a fragment rendered in this request
    is also the page's.
    """

    template_name = "funding/call_list.html"
    paginate_by = 20

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        self._filterset = None
        self.fragment_context = {}
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            query_string=query.urlencode(),
            alert_name=self.request.GET.get("q", ""),
            ics_url=_with_query("funding:call-feed-ics", query),
            rss_url=_with_query("funding:call-feed-rss", query),
            csv_url=_with_query("funding:call-export-csv", query),
            xlsx_url=_with_query("funding:call-export-xlsx", query),
        )
        # The filters are read and validated only when a fragment is rendered: a view whose
        # fragments are all kept builds no filter form at all.
        context["controls_html"] = fragments.cached_html(
            "funding.call-controls",
            self.render_controls,
            data=[feeds.CATALOGUE],
            vary=fragments.query_of(self.request, ignore=("page",)),
        )
        context["facets_html"] = fragments.cached_html(
            "funding.call-facets",
            self.render_facets,
            data=[feeds.CATALOGUE],
            vary=fragments.query_of(self.request, ignore=("page", "sort")),
        )
        context["results_html"] = fragments.cached_html(
            "funding.call-results",
            lambda: self.render_results(context["query_string"]),
            data=[feeds.CATALOGUE],
            vary=fragments.query_of(self.request),
        )
        context.update(self.fragment_context)
        return context

    @property
    def filterset(self):
        if self._filterset is None:
            self._filterset = filtered_calls(self.request)
            self._filterset.errors  # noqa: B018 - validated before any fragment reads it
            self.fragment_context["filterset"] = self._filterset
        return self._filterset

    def render_controls(self):
        """The filters' errors, the search box and the sort (per selection, not person)."""
        return render_to_string("funding/_call_controls.html", {"filterset": self.filterset})

    def render_facets(self):
        data = self.filterset.data
        facets_context = {
            "filterset": self.filterset,
            # Built here in one pass: a form widget renders each of the ~250 countries
            # through a template of its own, which cost more than all the rest of the page.
            "sector_options": _options_html(sector_options(self.filterset), data.getlist("sector")),
            "country_options": _options_html(
                _countries(get_language()), data.getlist("country")[-1:]
            ),
            "facets": facet_groups(self.filterset),
        }
        self.fragment_context.update(facets_context)
        return render_to_string("funding/_call_facets.html", facets_context)

    def render_results(self, query_string):
        calls = (
            self.filterset.qs.select_related("programme")
            # The cards show neither: not reading them keeps the sort of every match narrow.
            .defer("description", "search_vector")
            .prefetch_related(Prefetch("deadlines", queryset=Deadline.objects.order_by("due_at")))
        )
        page = forgiving_page(self.request, calls, self.paginate_by)
        results_context = {
            "calls": page.object_list,
            "page_obj": page,
            "paginator": page.paginator,
            "is_paginated": page.has_other_pages(),
            "query_string": query_string,
        }
        self.fragment_context.update(results_context)
        return render_to_string("funding/_call_results.html", results_context)


@functools.lru_cache(maxsize=8)
def _countries(language):
    """Country codes and names in `language`, sorted: django-countries sorts on each use."""
    return tuple((code, str(name)) for code, name in countries)


def _options_html(choices, ticked):
    ticked = set(ticked)
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((value, " selected" if value in ticked else "", label) for value, label in choices),
    )


def _with_query(url_name, query):
    url = reverse(url_name)
    return f"{url}?{query.urlencode()}" if query else url


# A facet lists at most this many values at once (the most frequent and the ticked ones);
# the others wait behind "more", so a catalogue of hundreds of programmes stays readable.
FACET_VISIBLE = 8


def facet_groups(filterset, counts=None):
    """Checkbox groups of the catalogue: each value with its count and whether it is ticked.

    Only values the selection contains (or that are ticked) are listed, and model labels are
    loaded for those values only: the work does not grow with the vocabularies.
    """
    counts = counts if counts is not None else filterset.facet_counts()
    form = filterset.form
    groups = []
    for name in filterset.FACETS:
        field = form.fields[name]
        selected = {str(value) for value in filterset.data.getlist(name)}
        options = []
        for value, label in _facet_choices(filterset, name, set(counts[name]), selected):
            count = counts[name].get(value, 0)
            checked = value in selected
            if count or checked:
                options.append({"value": value, "label": label, "count": count, "checked": checked})
        frequent = sorted(options, key=lambda option: -option["count"])[:FACET_VISIBLE]
        shown = {id(option) for option in frequent}
        for option in options:
            option["more"] = not option["checked"] and id(option) not in shown
        groups.append(
            {
                "name": name,
                "label": field.label,
                "options": options,
                "more_count": sum(option["more"] for option in options),
            }
        )
    return groups


def _facet_choices(filterset, name, counted, selected):
    """(value, label) of the facet's counted or ticked values, in the field's order."""
    field = filterset.form.fields[name]
    if not isinstance(field, forms.ModelMultipleChoiceField):
        wanted = counted | selected
        return [(str(value), label) for value, label in field.choices if str(value) in wanted]
    key = field.to_field_name or "pk"
    # Ticked values come from the cleaned form: a malformed one ("programme=abc") is skipped.
    ticked = filterset.form.cleaned_data.get(name) if filterset.is_bound else None
    values = counted | {str(getattr(obj, key)) for obj in ticked or ()}
    if not values:
        return []
    objects = field.queryset.filter(**{f"{key}__in": values})
    return [(str(getattr(obj, key)), field.label_from_instance(obj)) for obj in objects]


def sector_options(filterset):
    """The sector dropdown's choices: sectors the published calls use, and their sections.

    Every call stays reachable (a section matches its divisions' calls and the reverse), and
    the list shows what the catalogue holds instead of every NACE code. One probe per sector
    into the links' index, however many calls there are.
    """
    field = filterset.form.fields["sector"]
    links = Call.sectors.through.objects.filter(
        call__publication_state=Call.PublicationState.PUBLISHED
    )
    listed = Exists(links.filter(sector=OuterRef("pk"))) | Exists(
        links.filter(sector__section=OuterRef("pk"))
    )
    ticked = filterset.form.cleaned_data.get("sector") if filterset.is_bound else None
    if ticked:
        listed |= Q(pk__in=[sector.pk for sector in ticked])
    return [
        (sector.code, field.label_from_instance(sector)) for sector in field.queryset.filter(listed)
    ]


class CallDetailView(DetailView):
    """A call's page. Its text, deadlines and eligibility are the same for everyone who may
    see the call, so they are kept rendered per catalogue version (`core.fragments`); the
    follow button, the partnership links and the hard gates are per person."""

    template_name = "funding/call_detail.html"
    context_object_name = "call"
    SHARED_PARTS = {
        "call_main_html": "funding/_call_main.html",
        "call_deadlines_html": "funding/_call_deadlines.html",
        "call_eligibility_html": "funding/_call_eligibility.html",
    }

    def get_queryset(self):
        # Staff see every call (drafts with a banner); everyone else only published ones.
        return Call.objects.visible_to(self.request.user).select_related("programme", "provenance")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        call = self.object
        user = self.request.user
        context["is_following"] = (
            user.is_authenticated and Follow.objects.filter(user=user, call=call).exists()
        )
        for name, template in self.SHARED_PARTS.items():
            context[name] = fragments.cached_html(
                f"funding.call-detail.{template}",
                functools.partial(self.render_shared, template, context),
                data=[feeds.CATALOGUE],
                vary=(call.pk,),
            )
        # The hard gates for the person's current cooperative; nothing for people in none.
        cooperative = current_cooperative(self.request)
        if cooperative is not None and call.is_published:
            gates = eligibility.call_gates(call, cooperative)
            context.update(
                gate_cooperative=cooperative,
                gates=gates,
                gates_passed=eligibility.passes_all(gates),
            )
        return context

    def render_shared(self, template, context):
        call = self.object
        if "next_deadline" not in context:
            prefetch_related_objects(
                [call],
                Prefetch("deadlines", queryset=Deadline.objects.order_by("due_at")),
                "themes",
                "sectors",
                "applicant_types",
            )
            context["next_deadline"] = call.upcoming_deadline
        return render_to_string(template, {"call": call, "next_deadline": context["next_deadline"]})


def _visible_call(request, slug):
    return get_visible_or_404(Call.objects, request.user, slug=slug)


def _call_page(request, slug):
    # After signing in, back to the call's page (the button is there), not to this POST URL.
    return reverse("funding:call-detail", kwargs={"slug": slug})


follow_rule = permission_required(
    "funding.follow_call", fn=_visible_call, pass_as="call", next_url=_call_page
)


@require_POST
@follow_rule
def call_follow(request, slug, call):
    return _set_follow(request, call, follow=True)


@require_POST
@follow_rule
def call_unfollow(request, slug, call):
    return _set_follow(request, call, follow=False)


def _set_follow(request, call, *, follow):
    if follow:
        Follow.objects.get_or_create(user=request.user, call=call)
        messages.success(request, _("You follow this call: we will remind you of its deadlines."))
    else:
        Follow.objects.filter(user=request.user, call=call).delete()
        messages.info(request, _("You no longer follow this call."))
    return HttpResponseRedirect(safe_next_url(request, call.get_absolute_url()))


EXPORT_FORMATS = {
    "csv": ("text/csv; charset=utf-8", exports.as_csv),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        exports.as_xlsx,
    ),
}


def call_results_export(request, fmt):
    """The results of /calls/ for the same query string, as CSV or XLSX."""
    content_type, render = EXPORT_FORMATS[fmt]
    response = HttpResponse(
        render(exports.results_dataset(filtered_calls(request))), content_type=content_type
    )
    response["Content-Disposition"] = f'attachment; filename="innovacoop-calls.{fmt}"'
    return response


@condition(etag_func=feeds.etag("ics"), last_modified_func=feeds.last_modified)
def call_feed_ics(request):
    """The deadline calendar of the selection; rendered once per catalogue version."""

    def render():
        return feeds.ics_calendar(filtered_calls(request).filtered, request)

    body = feeds.cached_body("ics", request, render)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="innovacoop-calls.ics"'
    return response


@condition(etag_func=feeds.etag("rss"), last_modified_func=feeds.last_modified)
def call_feed_rss(request):
    """The feed of the selection's latest calls; rendered once per catalogue version."""

    def render():
        return feeds.rss_feed(filtered_calls(request).filtered, request).writeString("utf-8")

    body = feeds.cached_body("rss", request, render)
    return HttpResponse(body, content_type="application/rss+xml; charset=utf-8")

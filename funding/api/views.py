"""The public read API: the catalogue's calls and the programmes, for anyone, read-only.

- The list of calls is the selection of /calls/ for the same query string: the same
  `funding.filters.catalogue` (published calls through `CallFilterSet`), the same order, the
  same page size by default. An invalid filter is a 400 with the form's errors (the page
  shows them and leaves the filter out; a program is better told).
- No sign-in, no session, no CSRF: authentication is off for these views, so a cookie sent
  along changes nothing but the language.
- Language: the portal's language cookie, else the request's Accept-Language, else Italian.
- Limited per client address (`PublicAPIThrottle`, rate in settings.REST_FRAMEWORK).
- Cached: responses say `Cache-Control: public, max-age=60`; on the server each answer is
  kept with `core.fragments.cached` under the catalogue's version token (replaced whenever a
  call, deadline, programme or link changes, so an edit shows at once) and the current minute
  (which bounds what the clock or an unsignalled bulk write leaves stale to 60 s).
"""

from django.http import Http404
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.drainage import set_override
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle

from core import fragments
from funding import feeds
from funding.api.serializers import CallDetailSerializer, CallSerializer, ProgrammeSerializer
from funding.filters import CallFilterSet, catalogue
from funding.models import Call, Programme
from funding.views import CallListView

MAX_AGE = fragments.SECONDS


class PublicAPIThrottle(AnonRateThrottle):
    """Requests per client address, counted in the default cache; the rate is read from the
    settings on each request (DRF's own reads them once, at import)."""

    scope = "public_api"

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]


class Pagination(PageNumberPagination):
    """`?page=` and `?page_size=` (up to 100); pages of 20 like /calls/."""

    page_size = CallListView.paginate_by
    page_size_query_param = "page_size"
    max_page_size = 100


class CatalogueFilter(DjangoFilterBackend):
    """The catalogue's own selection (`funding.filters.catalogue`) for the query string; an
    invalid value is a 400 with the form's errors."""

    def get_filterset_class(self, view, queryset=None):
        return CallFilterSet

    def get_filterset(self, request, queryset, view):
        return catalogue(request.query_params, request=request)


# The schema's type of the filters drf-spectacular cannot infer (a slug, a country code, an
# applicant type code); an annotation read by the schema generator only, nothing filters
# differently.
for _name in ("theme", "country", "applicant"):
    set_override(CallFilterSet.base_filters[_name], "field", OpenApiTypes.STR)


class PublicReadView:
    """Read-only, anonymous, throttled, language-aware and cached (see the module doc)."""

    authentication_classes = []
    throttle_classes = [PublicAPIThrottle]
    http_method_names = ["get", "head", "options"]
    cache_kind = None

    def initial(self, request, *args, **kwargs):
        language = translation.get_language_from_request(request._request)
        translation.activate(language)
        request._request.LANGUAGE_CODE = language
        super().initial(request, *args, **kwargs)

    def cached_data(self, compute):
        """`compute()`, kept per catalogue version, minute, language, host and query."""
        request = self.request
        vary = (
            request.scheme,
            request.get_host(),
            tuple(sorted(self.kwargs.items())),
            fragments.query_of(request._request),
        )
        return fragments.cached(
            f"api.{self.cache_kind}", compute, data=[feeds.CATALOGUE], vary=vary
        )

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Content-Language"] = translation.get_language()
        patch_vary_headers(response, ["Accept-Language"])
        if request.method in ("GET", "HEAD") and response.status_code == 200:
            patch_cache_control(response, public=True, max_age=MAX_AGE)
        return response


def _with_call_relations(calls):
    return (
        calls.select_related("programme")
        .defer("search_vector")
        .prefetch_related("deadlines", "themes", "sectors", "applicant_types")
    )


class CallListAPIView(PublicReadView, generics.ListAPIView):
    """Published calls matching the query string of /calls/, in the order of /calls/."""

    serializer_class = CallSerializer
    pagination_class = Pagination
    filter_backends = [CatalogueFilter]
    # The filter backend starts from the catalogue itself; this only names the model.
    queryset = Call.objects.none()
    cache_kind = "call-list"

    def filter_queryset(self, queryset):
        calls = super().filter_queryset(queryset)
        return _with_call_relations(calls.defer("description"))

    @extend_schema(
        summary="Calls of the catalogue",
        description=(
            "The calls /calls/ shows for the same query string, in the same order: every "
            "filter of the catalogue (q, programme, level, theme, sector, country, applicant, "
            "status, deadline_from, deadline_to, budget_min, budget_max, consortium, sort). "
            "Repeat a parameter to tick several values."
        ),
    )
    def get(self, request, *args, **kwargs):
        return self.list(request, *args, **kwargs)

    def list(self, request, *args, **kwargs):
        data = self.cached_data(lambda: super(CallListAPIView, self).list(request).data)
        return Response(data)


class CallDetailAPIView(PublicReadView, generics.RetrieveAPIView):
    """One published call, by its slug (a draft or archived call is a 404)."""

    serializer_class = CallDetailSerializer
    lookup_field = "slug"
    cache_kind = "call-detail"

    def get_queryset(self):
        return _with_call_relations(Call.objects.published().with_status())

    @extend_schema(summary="One call")
    def get(self, request, *args, **kwargs):
        return self.retrieve(request, *args, **kwargs)

    def retrieve(self, request, *args, **kwargs):
        def compute():
            try:
                return super(CallDetailAPIView, self).retrieve(request, *args, **kwargs).data
            except Http404:
                return None

        data = self.cached_data(compute)
        if data is None:
            raise Http404
        return Response(data)


class ProgrammeListAPIView(PublicReadView, generics.ListAPIView):
    """The programmes; a call list is filtered by one with `?programme=<id>`."""

    serializer_class = ProgrammeSerializer
    pagination_class = Pagination
    queryset = Programme.objects.order_by("name", "pk")
    cache_kind = "programme-list"

    @extend_schema(summary="Programmes")
    def get(self, request, *args, **kwargs):
        return self.list(request, *args, **kwargs)

    def list(self, request, *args, **kwargs):
        data = self.cached_data(lambda: super(ProgrammeListAPIView, self).list(request).data)
        return Response(data)

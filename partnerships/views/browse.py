"""Browsing partnership requests: the list, my cooperatives' requests and interests, and a
request's detail page (what it shows depends on who looks: `detail_context`)."""

from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.views.generic import DetailView, ListView, TemplateView

from core.fragments import CachedContentMixin
from core.pagination import ForgivingPaginationMixin
from members.access import PermissionRequiredMixin, may
from members.current import chosen_cooperative_id
from members.rules import member_cooperative_ids
from partnerships import services
from partnerships.apps import REQUESTS
from partnerships.filters import RequestFilterSet
from partnerships.forms import CloseForm, DeclineForm, InterestForm, ReturnForm
from partnerships.models import ExpressionOfInterest, PartnershipRequest, RequestEvent
from partnerships.views.lookup import visible_request


class RequestListView(
    PermissionRequiredMixin, CachedContentMixin, ForgivingPaginationMixin, ListView
):
    """Published requests, filtered by kind, sector, theme, country, call and words."""

    permission_required = "partnerships.browse_requests"
    template_name = "partnerships/request_list.html"
    # The same for everyone who may browse: kept rendered per version (core.fragments).
    content_template = "partnerships/_request_list_content.html"
    content_data = (REQUESTS,)
    context_object_name = "requests"
    paginate_by = 20

    def get_queryset(self):
        self.filterset = RequestFilterSet(self.request.GET)
        interests = (
            ExpressionOfInterest.objects.filter(request=OuterRef("pk"))
            .order_by()
            .values("request")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return (
            self.filterset.qs.select_related("owner", "call")
            # The cards show neither long texts nor the call's search index.
            .defer("description", "owner__description", "call__description", "call__search_vector")
            .prefetch_related("sought_themes")
            # Counted for the rows shown, not by a GROUP BY over every request before the LIMIT.
            .annotate(interest_count=Coalesce(Subquery(interests), 0))
            .order_by("-published_at", "-pk")
        )

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(
            filterset=self.filterset, query_string=query.urlencode(), **kwargs
        )

    def render_to_response(self, context, **response_kwargs):
        # Per person, so outside the kept content: only members may post requests.
        context["can_post"] = may(self.request.user, "partnerships.post_requests")
        return super().render_to_response(context, **response_kwargs)


class RequestDetailView(PermissionRequiredMixin, DetailView):
    permission_required = "partnerships.view_request"
    template_name = "partnerships/request_detail.html"
    context_object_name = "partnership"

    def get_permission_object(self):
        return visible_request(self.request.user, self.kwargs["pk"])

    def get_object(self, queryset=None):
        return self.permission_object

    def get_context_data(self, **kwargs):
        return super().get_context_data(**detail_context(self.request, self.object), **kwargs)


def detail_context(http_request, partnership, *, interest_form=None):
    """What the detail page shows to this person: timeline and interests only to the owner
    side and staff; contacts only on accepted expressions of interest."""
    user = http_request.user
    may_manage = may(user, "partnerships.manage_request", partnership)
    context = {
        "may_manage": may_manage,
        "may_edit": may(user, "partnerships.change_request", partnership),
        "may_moderate": may(user, "partnerships.moderate_request", partnership),
        "may_view_timeline": may(user, "partnerships.view_timeline", partnership),
        "return_form": ReturnForm(),
        "close_form": CloseForm(),
        "decline_form": DeclineForm(),
    }
    if context["may_view_timeline"]:
        context["events"] = list(
            RequestEvent.objects.filter(request=partnership).select_related("by")
        )
    interests = ExpressionOfInterest.objects.filter(request=partnership).select_related(
        "cooperative", "sent_by", "decided_by"
    )
    if may_manage:
        context["received_interests"] = list(
            interests.prefetch_related("cooperative__contacts").order_by("created_at")
        )
    own = member_cooperative_ids(user)
    sent = [
        interest
        for interest in interests.filter(cooperative_id__in=own)
        if interest.cooperative_id != partnership.owner_id
    ]
    context["sent_interests"] = sent
    if any(interest.contacts_revealed for interest in sent):
        # The owner's contacts, for the side whose interest was accepted.
        context["owner_contacts"] = list(partnership.owner.contacts.all())
    if may(user, "partnerships.express_interest", partnership):
        cooperatives = services.interest_cooperatives(user, partnership).exclude(
            pk__in=[interest.cooperative_id for interest in sent]
        )
        if interest_form is None and cooperatives.exists():
            interest_form = InterestForm(cooperatives=cooperatives, request=partnership)
            if not may(user, "members.act_for_any_cooperative"):
                chosen = chosen_cooperative_id(http_request)
                if chosen and cooperatives.filter(pk=chosen).exists():
                    interest_form.initial["cooperative"] = chosen
    context["interest_form"] = interest_form
    return context


class MyRequestsView(PermissionRequiredMixin, TemplateView):
    """The requests of the person's cooperatives in every state, and their interests."""

    permission_required = "members.use_portal"
    template_name = "partnerships/request_mine.html"

    def get_context_data(self, **kwargs):
        own = list(member_cooperative_ids(self.request.user))
        requests = (
            PartnershipRequest.objects.of_cooperatives(own)
            .select_related("owner", "call")
            .annotate(
                interest_count=Count("interests"),
                pending_count=Count(
                    "interests", filter=Q(interests__state=ExpressionOfInterest.State.PENDING)
                ),
            )
            .order_by("-created_at", "-pk")
        )
        sent = (
            ExpressionOfInterest.objects.filter(cooperative_id__in=own)
            .select_related("request", "request__owner", "cooperative")
            .order_by("-created_at")
        )
        received = (
            ExpressionOfInterest.objects.filter(request__owner_id__in=own)
            .select_related("request", "cooperative")
            .order_by("-created_at")
        )
        return super().get_context_data(
            requests=requests,
            sent_interests=sent,
            received_interests=received,
            can_post=may(self.request.user, "partnerships.post_requests"),
            **kwargs,
        )

"""Writing a request and moving it through its workflow: the create and edit forms, and
the one-button actions (submit, approve, return, close). A move the state does not allow
becomes a message, one the person may not make a 403 (the service asks the rules)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView

from core.bilingual import reader_language
from funding.models import Call
from members.access import PermissionRequiredMixin, permission_required
from members.current import chosen_cooperative_id
from members.rules import cooperatives_acted_for
from partnerships import services
from partnerships.forms import CloseForm, RequestForm, ReturnForm
from partnerships.models import PartnershipRequest
from partnerships.views.lookup import error_text, visible_request, visible_request_of


def acting_cooperatives(user):
    """Cooperatives the person may post requests for, by name."""
    return cooperatives_acted_for(user).order_by("legal_name")


class RequestFormMixin:
    template_name = "partnerships/request_form.html"

    def after_save(self, partnership):
        """Save and submit at once when the person pressed that button."""
        if "submit_now" in self.request.POST:
            try:
                services.request_submit(request=partnership, by=self.request.user)
            except (ValidationError, PermissionDenied):
                messages.warning(self.request, _("The request was saved but not submitted."))
            else:
                messages.success(
                    self.request,
                    _("The request has been submitted: INNOVACOOP staff will review it."),
                )
                return redirect(partnership)
        messages.success(self.request, _("The request has been saved as a draft."))
        return redirect(partnership)

    def render_form(self, form, **extra):
        return render(self.request, self.template_name, {"form": form, **extra})


class RequestCreateView(PermissionRequiredMixin, RequestFormMixin, TemplateView):
    """New request; ?call=<slug> fills it in from a funding call."""

    permission_required = "partnerships.post_requests"

    @property
    def cooperatives(self):
        return acting_cooperatives(self.request.user)

    def initial_from_call(self):
        slug = self.request.GET.get("call")
        call = (
            Call.objects.published().prefetch_related("sectors", "themes").filter(slug=slug).first()
            if slug
            else None
        )
        if call is None:
            return {}, None
        initial = {
            "kind": PartnershipRequest.Kind.CALL_PARTNER,
            "call": call.slug,
            f"title_{reader_language()}": _("Partners for %(call)s") % {"call": call.title},
            "sought_themes": list(call.themes.all()),
            "sought_sectors": [sector for sector in call.sectors.all() if sector.section_id],
            "sought_countries": [country.code for country in call.eligible_countries],
        }
        return initial, call

    def get(self, request, *args, **kwargs):
        initial, call = self.initial_from_call()
        chosen = chosen_cooperative_id(request)
        if chosen and self.cooperatives.filter(pk=chosen).exists():
            initial["owner"] = chosen
        form = RequestForm(initial=initial, cooperatives=self.cooperatives)
        return self.render_form(form, from_call=call)

    def post(self, request, *args, **kwargs):
        form = RequestForm(request.POST, cooperatives=self.cooperatives)
        if form.is_valid():
            try:
                partnership = services.request_create(
                    owner=form.cleaned_data["owner"], by=request.user, **form.service_fields()
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return self.after_save(partnership)
        return self.render_form(form)


class RequestUpdateView(PermissionRequiredMixin, RequestFormMixin, TemplateView):
    permission_required = "partnerships.change_request"

    def get_permission_object(self):
        self.partnership = visible_request(self.request.user, self.kwargs["pk"])
        return self.partnership

    def get(self, request, *args, **kwargs):
        form = RequestForm(instance=self.partnership)
        return self.render_form(form, partnership=self.partnership)

    def post(self, request, *args, **kwargs):
        # Bound to a copy: a failed save must not leave half-changed data on the object.
        form = RequestForm(
            request.POST, instance=PartnershipRequest.objects.get(pk=self.partnership.pk)
        )
        if form.is_valid():
            try:
                partnership = services.request_update(
                    request=self.partnership, by=request.user, **form.service_fields()
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return self.after_save(partnership)
        return self.render_form(form, partnership=self.partnership)


def _act(request, partnership, action, success, **kwargs):
    """Run a service on a visible request; a move the state does not allow becomes a message,
    one the person may not make a 403 (the service asks the rules)."""
    try:
        action(request=partnership, by=request.user, **kwargs)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, success)
    return redirect(partnership)


@login_required
@require_POST
@permission_required("partnerships.view_request", fn=visible_request_of, pass_as="partnership")
def request_submit(request, pk, partnership):
    return _act(
        request,
        partnership,
        services.request_submit,
        _("The request has been submitted: INNOVACOOP staff will review it."),
    )


@login_required
@require_POST
@permission_required("partnerships.view_request", fn=visible_request_of, pass_as="partnership")
def request_approve(request, pk, partnership):
    return _act(
        request,
        partnership,
        services.request_approve,
        _("The request is published: members can now express their interest."),
    )


@login_required
@require_POST
@permission_required("partnerships.moderate_request", fn=visible_request_of, pass_as="partnership")
def request_return(request, pk, partnership):
    form = ReturnForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the request is returned: the owner will read it."))
        return redirect("partnerships:request-detail", pk=pk)
    return _act(
        request,
        partnership,
        services.request_return,
        _("The request has been returned to its owner."),
        reason=form.cleaned_data["reason"],
    )


@login_required
@require_POST
@permission_required("partnerships.view_request", fn=visible_request_of, pass_as="partnership")
def request_close(request, pk, partnership):
    form = CloseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose why the request is closed."))
        return redirect("partnerships:request-detail", pk=pk)
    return _act(
        request,
        partnership,
        services.request_close,
        _("The request has been closed."),
        outcome=form.cleaned_data["outcome"],
        note=form.cleaned_data["note"],
    )

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView

from members.access import PermissionRequiredMixin, permission_required
from staff import digest
from staff.work import pending_work


class StaffPageMixin(PermissionRequiredMixin):
    """Every /staff/ page: staff only, 404 for everyone else (see `staff/rules.py`)."""

    permission_required = "staff.use_workspace"
    hide_refusal = True
    hide_from_anonymous = True


class HomeView(StaffPageMixin, TemplateView):
    """The work waiting, each list linking to where it is handled."""

    template_name = "staff/home.html"

    def get_context_data(self, **kwargs):
        work = pending_work()
        return super().get_context_data(
            work=work,
            waiting=sum(item.count for item in work),
            daily_email=digest.digest_enabled(self.request.user),
            **kwargs,
        )


# The rule first: to everyone else even a GET is 404, not 405.
@permission_required("staff.use_workspace", hide_refusal=True, hide_from_anonymous=True)
@require_POST
def digest_preference(request):
    enabled = request.POST.get("daily_email") == "on"
    digest.digest_set(user_id=request.user.pk, enabled=enabled)
    messages.success(
        request,
        _("You will receive the daily email of work waiting.")
        if enabled
        else _("You will no longer receive the daily email of work waiting."),
    )
    return redirect("staff:home")

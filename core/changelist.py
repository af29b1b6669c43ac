"""The admin's change lists: a bad date-hierarchy filter answered as any bad filter, and
the large lists kept rendered for a minute."""

import re

from django.contrib import messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template.response import TemplateResponse

from core import fragments
from core.middleware import WRITE_STAMP_SESSION_KEY


class BoundedDateChangeList(ChangeList):
    """`?created_at__year=99999999999999999999` shows the admin's "bad filter" page, not a 500.

    Django builds the date hierarchy's bounds with `datetime(int(year), ...)` and turns only
    ValueError into IncorrectLookupParameters: a year too large for C (OverflowError), or
    9999 (whose end, year 10000, is computed outside that guard), escaped as a 500.
    """

    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except (OverflowError, ValueError) as exc:
            raise IncorrectLookupParameters(exc) from exc


class BoundedDateHierarchyMixin:
    """For every ModelAdmin with a `date_hierarchy` (tests/core/test_fuzz_inputs.py)."""

    def get_changelist(self, request, **kwargs):
        return BoundedDateChangeList


# A rendered form's CSRF field; the token is letters and digits (Django's masked token).
CSRF_FIELD = re.compile(r'(name="csrfmiddlewaretoken" value=")[A-Za-z0-9]+(")')


class KeptChangeListMixin:
    """A change list kept rendered for a minute per staff member, as a person's own portal
    pages are (`core.fragments.personal_html`): per person and permissions, their last write
    (so an action, an import or an edit of theirs shows on their next view), the full path
    (page, filters, search, ordering), the language and the version tokens of
    `changelist_data`, which any save elsewhere replaces. A view with messages to show, or
    any other than a plain GET, is rendered as usual. The CSRF token of the actions form is
    put in on each view.
    """

    changelist_data = ()

    def changelist_view(self, request, extra_context=None):
        if request.method != "GET" or extra_context or len(messages.get_messages(request)):
            return super().changelist_view(request, extra_context)
        user = request.user
        permissions = "all" if user.is_superuser else tuple(sorted(user.get_all_permissions()))
        key = fragments.cache_key(
            f"admin.changelist.{self.opts.label_lower}",
            data=self.changelist_data,
            vary=(
                user.pk,
                permissions,
                request.session.get(WRITE_STAMP_SESSION_KEY),
                request.get_full_path(),
            ),
        )
        kept = cache.get(key)
        if kept is not None:
            return HttpResponse(kept.replace(fragments.CSRF_PLACEHOLDER, get_token(request)))
        response = super().changelist_view(request, extra_context)
        if response.status_code == 200 and isinstance(response, TemplateResponse):
            response.render()
            html = CSRF_FIELD.sub(
                rf"\g<1>{fragments.CSRF_PLACEHOLDER}\g<2>", response.content.decode()
            )
            cache.set(key, html, fragments.SECONDS)
        return response

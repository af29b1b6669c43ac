"""How views ask the rules: one mixin for class-based views, one decorator for function views,
and the accessor that answers 404 for what a person may not see.

Every view of the project either declares `permission_required` (a permission registered in
an app's `rules.py`) or is listed in its app's `rules.PUBLIC_URLS`;
`tests/core/test_view_rules.py` fails for a view that does neither.

The order is the same everywhere: an anonymous visitor goes to the sign-in page; then the
object is looked up through its accessor (404 for what the person may not see, so its
existence is not confirmed); then the permission is asked (403 for a visible object the
person may not act on, or 404 where the view says the refusal itself must not tell).

The rules are asked directly (`rules.has_perm`), not through `user.has_perm`: Django's
backend says yes to superusers whatever the state, and some rules depend on the state (a
published request is not editable, even by staff).
"""

import functools

import rules
from django.contrib.auth.mixins import AccessMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404


def may(user, permission, obj=None):
    """Whether the rule `permission` lets `user` act (on `obj`)."""
    return rules.has_perm(permission, user, obj)


def require(user, permission, obj=None, *, hide=False):
    """Refuse (403, or 404 with `hide`) unless `user` has `permission` (on `obj`)."""
    if not may(user, permission, obj):
        raise Http404 if hide else PermissionDenied


def get_visible_or_404(queryset, user, **lookup):
    """The object at `lookup` among those `user` may see (the queryset's `visible_to`), or 404.

    `queryset` is a model or a queryset (with its `select_related`...); its `visible_to(user)`
    is the set form of the kind's view rule.
    """
    if isinstance(queryset, type):
        queryset = queryset._default_manager.all()
    return get_object_or_404(queryset.visible_to(user), **lookup)


class PermissionRequiredMixin(AccessMixin):
    """Class-based views guarded by one rule: `permission_required`.

    `get_permission_object()` returns the object the rule is asked about (None for a rule
    about the person only); it may raise 404 through an accessor. With `hide_refusal`, a
    refusal answers 404 instead of 403; with `hide_from_anonymous` too, an anonymous
    visitor gets the same 404 instead of the sign-in page (the staff workspace: nothing
    tells an outsider it exists). The object is kept as `self.permission_object`.
    """

    permission_required = None
    hide_refusal = False
    hide_from_anonymous = False

    def get_permission_object(self):
        return None

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            if self.hide_from_anonymous:
                raise Http404
            return self.handle_no_permission()
        self.permission_object = self.get_permission_object()
        require(
            request.user, self.permission_required, self.permission_object, hide=self.hide_refusal
        )
        return super().dispatch(request, *args, **kwargs)


def permission_required(
    permission,
    *,
    fn=None,
    pass_as=None,
    hide_refusal=False,
    hide_from_anonymous=False,
    next_url=None,
):
    """Function views guarded by one rule (the `PermissionRequiredMixin` of function views).

    `fn(request, *args, **kwargs)` returns the object the rule is asked about (through an
    accessor: 404 for what the person may not see); with `pass_as` the view receives it as
    that keyword argument. `next_url(request, *args, **kwargs)` is where the sign-in page
    sends an anonymous visitor back to (default: this URL); with `hide_from_anonymous` an
    anonymous visitor gets 404 instead, as in `PermissionRequiredMixin`. The view carries
    `permission_required`, as class-based views do, so the URL test can read it.
    """

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                if hide_from_anonymous:
                    raise Http404
                back = next_url(request, *args, **kwargs) if next_url else request.get_full_path()
                return redirect_to_login(back)
            obj = fn(request, *args, **kwargs) if fn is not None else None
            require(request.user, permission, obj, hide=hide_refusal)
            if pass_as:
                kwargs[pass_as] = obj
            return view(request, *args, **kwargs)

        wrapped.permission_required = permission
        return wrapped

    return decorator


def checked_in_view(permission):
    """Declare that the view asks `permission` itself, with `require`, once it has read which
    object the form names (a POST field, not the URL): the URL test reads the declaration."""

    def decorator(view):
        view.permission_required = permission
        return view

    return decorator

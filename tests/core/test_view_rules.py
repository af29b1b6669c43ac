"""Every view of the project names the rule that guards it, or is declared public.

A view declares `permission_required` (`members.access.PermissionRequiredMixin`, or the
`permission_required` / `checked_in_view` decorators of `members.access`), naming a
permission some app's `rules.py` registers; a public view's URL name is in its app's
`rules.PUBLIC_URLS`. A view added without either fails here, so nobody adds a page without
writing down who may open it (and `test_url_matrix.py` then says what each persona gets).
The admin's and allauth's views are theirs and are left out.
"""

import importlib
import importlib.util
from pathlib import Path

import pytest
import rules
from django.apps import apps
from django.conf import settings
from django.urls import URLResolver, get_resolver

PROJECT_DIR = Path(settings.BASE_DIR).resolve()


def project_apps():
    """The installed apps whose code is in this repository (not in the virtualenv)."""
    found = []
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        if PROJECT_DIR in path.parents and ".venv" not in path.parts:
            found.append(config.name)
    return found


def public_urls():
    """{url name: app} of every name an app's `rules.PUBLIC_URLS` declares public."""
    declared = {}
    for name in project_apps():
        if importlib.util.find_spec(f"{name}.rules") is None:
            continue
        module = importlib.import_module(f"{name}.rules")
        for url_name in getattr(module, "PUBLIC_URLS", ()):
            declared[url_name] = name
    return declared


def project_views():
    """{url name: view} of every named URL whose view is the project's code."""
    packages = {name.split(".")[0] for name in project_apps()}
    views = {}

    def walk(resolver, namespace):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace
                if pattern.namespace:
                    inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                walk(pattern, inner)
                continue
            if namespace.split(":")[0] == "admin":
                continue  # the admin site guards its views (staff), project mixins included
            callback = pattern.callback
            view = getattr(callback, "view_class", callback)
            if view.__module__.split(".")[0] not in packages:
                continue
            assert pattern.name, f"{view.__module__}.{view.__name__} has a URL without a name"
            views[f"{namespace}:{pattern.name}" if namespace else pattern.name] = view

    walk(get_resolver(), "")
    return views


def declared_permissions(view):
    required = getattr(view, "permission_required", None)
    if required is None:
        return ()
    return (required,) if isinstance(required, str) else tuple(required)


def test_the_walk_finds_the_project_views():
    views = project_views()
    assert "partnerships:request-detail" in views
    assert "portal:dashboard" in views
    assert not any(name.startswith("admin:") or name.startswith("account_") for name in views)


@pytest.mark.parametrize("url_name", sorted(project_views()))
def test_every_view_is_public_or_names_its_rule(url_name):
    view = project_views()[url_name]
    permissions = declared_permissions(view)
    public = public_urls()
    assert permissions or url_name in public, (
        f"{url_name} ({view.__module__}.{view.__name__}) declares no permission_required and "
        "is not in any rules.PUBLIC_URLS: write down who may open it"
    )
    assert not (permissions and url_name in public), (
        f"{url_name} is declared public in {public.get(url_name)}.rules but asks {permissions}"
    )
    for permission in permissions:
        assert rules.perm_exists(permission), f"{url_name} asks {permission}, which no rule defines"


def test_every_public_declaration_names_a_url():
    stale = set(public_urls()) - set(project_views())
    assert not stale, f"PUBLIC_URLS name URLs that do not exist: {sorted(stale)}"


def test_a_view_without_a_rule_is_caught():
    """The check itself: a bare view is neither public nor guarded."""

    def bare(request):
        raise AssertionError("not called")

    assert declared_permissions(bare) == ()
    assert "bare" not in public_urls()

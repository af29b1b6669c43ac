"""The admin's date filters answer impossible years with its 'bad filter' page, never a 500."""

import pytest
from django.contrib import admin

from core.changelist import BoundedDateHierarchyMixin


def _hierarchies():
    return [
        (model, model_admin)
        for model, model_admin in admin.site._registry.items()
        if model_admin.date_hierarchy
    ]


def test_every_admin_with_a_date_hierarchy_bounds_its_years():
    assert _hierarchies()
    for model, model_admin in _hierarchies():
        assert isinstance(model_admin, BoundedDateHierarchyMixin), model.__name__


@pytest.mark.django_db
@pytest.mark.parametrize("year", ["99999999999999999999", "9999", "0", "-5"])
@pytest.mark.parametrize(
    "params", ["{field}__year={year}", "{field}__year={year}&{field}__month=12"]
)
def test_impossible_years_redirect_to_the_error_page(staff_client, year, params):
    for model, model_admin in _hierarchies():
        url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        query = params.format(field=model_admin.date_hierarchy, year=year)
        response = staff_client.get(f"{url}?{query}")
        assert response.status_code == 302, (url, query, response.status_code)
        assert response.url.endswith("?e=1")


@pytest.mark.django_db
def test_an_impossible_year_outside_the_hierarchy_is_no_500(staff_client):
    response = staff_client.get("/admin/members/cooperative/?created_at__year=99999999999999999999")
    assert response.status_code in (200, 302)


@pytest.mark.django_db
def test_a_real_year_still_filters(staff_client):
    response = staff_client.get("/admin/funding/call/?opens_at__year=2026")
    assert response.status_code == 200

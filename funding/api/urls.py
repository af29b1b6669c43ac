from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from funding.api import views

app_name = "api"

urlpatterns = [
    path("v1/calls/", views.CallListAPIView.as_view(), name="call-list"),
    path("v1/calls/<slug:slug>/", views.CallDetailAPIView.as_view(), name="call-detail"),
    path("v1/programmes/", views.ProgrammeListAPIView.as_view(), name="programme-list"),
    # The OpenAPI description (YAML; ?format=json for JSON), at the address DESIGN.md fixes.
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # Swagger UI on that description: files from static/, no inline script (CSP).
    path(
        "schema/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api:schema"),
        name="schema-docs",
    ),
]

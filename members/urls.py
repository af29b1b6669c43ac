from django.urls import path

from members import views

app_name = "members"

urlpatterns = [
    path("", views.CooperativeListView.as_view(), name="cooperative-list"),
    # Before the cooperative slug route, which would otherwise take "associations".
    path(
        "associations/<slug:slug>/",
        views.AssociationDetailView.as_view(),
        name="association-detail",
    ),
    path("<slug:slug>/", views.CooperativeDetailView.as_view(), name="cooperative-detail"),
]

from django.urls import path

from partnerships import match_views, project_views, views

app_name = "partnerships"

urlpatterns = [
    # Requests and expressions of interest (views.py).
    path("", views.RequestListView.as_view(), name="request-list"),
    path("new/", views.RequestCreateView.as_view(), name="request-create"),
    path("mine/", views.MyRequestsView.as_view(), name="request-mine"),
    path("<int:pk>/", views.RequestDetailView.as_view(), name="request-detail"),
    path("<int:pk>/edit/", views.RequestUpdateView.as_view(), name="request-edit"),
    path("<int:pk>/submit/", views.request_submit, name="request-submit"),
    path("<int:pk>/approve/", views.request_approve, name="request-approve"),
    path("<int:pk>/return/", views.request_return, name="request-return"),
    path("<int:pk>/close/", views.request_close, name="request-close"),
    path("<int:pk>/interest/", views.interest_create, name="interest-create"),
    path("interests/<int:pk>/accept/", views.interest_accept, name="interest-accept"),
    path("interests/<int:pk>/decline/", views.interest_decline, name="interest-decline"),
    # Explainable matching and the consortium builder (match_views.py).
    path("suggestions/", match_views.SuggestionsView.as_view(), name="suggestions"),
    path("<int:pk>/candidates/", match_views.CandidatesView.as_view(), name="request-candidates"),
    path("consortium/<slug:slug>/", match_views.ConsortiumView.as_view(), name="consortium"),
    path("dismiss/", match_views.dismiss, name="dismiss"),
    path("dismiss/undo/", match_views.undismiss, name="undismiss"),
    path("digest/", match_views.digest_preference, name="digest-preference"),
    # Projects (project_views.py).
    path("projects/", project_views.ProjectListView.as_view(), name="project-list"),
    path("projects/<slug:slug>/", project_views.ProjectDetailView.as_view(), name="project-detail"),
    path(
        "<int:pk>/project/",
        project_views.ProjectFromRequestView.as_view(),
        name="request-to-project",
    ),
]

from django.urls import path

from partnerships.views import browse, editing, interests, projects, suggestions

app_name = "partnerships"

urlpatterns = [
    # Requests (views/browse.py, views/editing.py).
    path("", browse.RequestListView.as_view(), name="request-list"),
    path("new/", editing.RequestCreateView.as_view(), name="request-create"),
    path("mine/", browse.MyRequestsView.as_view(), name="request-mine"),
    path("<int:pk>/", browse.RequestDetailView.as_view(), name="request-detail"),
    path("<int:pk>/edit/", editing.RequestUpdateView.as_view(), name="request-edit"),
    path("<int:pk>/submit/", editing.request_submit, name="request-submit"),
    path("<int:pk>/approve/", editing.request_approve, name="request-approve"),
    path("<int:pk>/return/", editing.request_return, name="request-return"),
    path("<int:pk>/close/", editing.request_close, name="request-close"),
    # Expressions of interest (views/interests.py).
    path("<int:pk>/interest/", interests.interest_create, name="interest-create"),
    path("interests/<int:pk>/accept/", interests.interest_accept, name="interest-accept"),
    path("interests/<int:pk>/decline/", interests.interest_decline, name="interest-decline"),
    # Explainable matching and the consortium builder (views/suggestions.py).
    path("suggestions/", suggestions.SuggestionsView.as_view(), name="suggestions"),
    path("<int:pk>/candidates/", suggestions.CandidatesView.as_view(), name="request-candidates"),
    path("consortium/<slug:slug>/", suggestions.ConsortiumView.as_view(), name="consortium"),
    path("dismiss/", suggestions.dismiss, name="dismiss"),
    path("dismiss/undo/", suggestions.undismiss, name="undismiss"),
    path("digest/", suggestions.digest_preference, name="digest-preference"),
    # Projects (views/projects.py).
    path("projects/", projects.ProjectListView.as_view(), name="project-list"),
    path("projects/<slug:slug>/", projects.ProjectDetailView.as_view(), name="project-detail"),
    path(
        "<int:pk>/project/",
        projects.ProjectFromRequestView.as_view(),
        name="request-to-project",
    ),
]

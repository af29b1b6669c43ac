from django.urls import path

from startups import views

app_name = "startups"

urlpatterns = [
    path("", views.StartupListView.as_view(), name="startup-list"),
    # Before the startup slug route, which would otherwise take "programmes" and "applications".
    path("programmes/", views.ProgrammeListView.as_view(), name="programme-list"),
    path("programmes/<slug:slug>/", views.ProgrammeDetailView.as_view(), name="programme-detail"),
    path("programmes/<slug:slug>/apply/", views.ApplyView.as_view(), name="apply"),
    path("programmes/<slug:slug>/board/", views.BoardView.as_view(), name="board"),
    path("programmes/<slug:slug>/board.csv", views.board_export, name="board-export"),
    path(
        "applications/<int:pk>/transition/",
        views.application_transition,
        name="application-transition",
    ),
    path("applications/<int:pk>/mentor/", views.mentor_assign, name="mentor-assign"),
    path("<slug:slug>/", views.StartupDetailView.as_view(), name="startup-detail"),
]

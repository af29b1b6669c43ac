from django.urls import path

from staff import views

app_name = "staff"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("daily-email/", views.digest_preference, name="digest-preference"),
    path("results/", views.ResultsView.as_view(), name="results"),
    path("results/<slug:key>.csv", views.results_csv, name="results-csv"),
]

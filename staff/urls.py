from django.urls import path

from staff import views

app_name = "staff"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("daily-email/", views.digest_preference, name="digest-preference"),
]

"""The home page, at the root and without a namespace ("home", as LOGIN_REDIRECT_URL names it)."""

from django.urls import path

from portal.home import HomeView

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
]

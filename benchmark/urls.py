"""The portal's URLconf plus the floor view; used only by the benchmark's settings."""

from django.urls import path

from benchmark import views
from innovacoop.urls import urlpatterns as portal_urlpatterns

urlpatterns = [path("bench/floor/", views.floor, name="bench-floor"), *portal_urlpatterns]

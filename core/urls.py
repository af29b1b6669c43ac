"""The URLs of the core app: names without a namespace, as emails and templates use them."""

from django.urls import path

from core import unsubscribe, views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("unsubscribe/<str:token>/", unsubscribe.unsubscribe, name="unsubscribe"),
]

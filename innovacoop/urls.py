from django.contrib import admin
from django.urls import include, path

from innovacoop import language, unsubscribe, views

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    path("i18n/setlang/", language.set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("members/", include("members.urls")),
    path("networks/", include("networks.urls")),
    path("calls/", include("funding.urls")),
    path("partnerships/", include("partnerships.urls")),
    path("startups/", include("startups.urls")),
    path("portal/alerts/", include("funding.alert_urls")),
    path("portal/", include("portal.urls")),
    path("unsubscribe/<str:token>/", unsubscribe.unsubscribe, name="unsubscribe"),
]

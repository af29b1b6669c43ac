from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("portal.home_urls")),
    # /healthz, /i18n/setlang/ and /unsubscribe/<token>/
    path("", include("core.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("members/", include("members.urls")),
    path("networks/", include("networks.urls")),
    path("calls/", include("funding.urls")),
    path("partnerships/", include("partnerships.urls")),
    path("startups/", include("startups.urls")),
    path("portal/alerts/", include("funding.alert_urls")),
    path("portal/", include("portal.urls")),
    path("staff/", include("staff.urls")),
    # The public read API of calls (/api/v1/...) and its OpenAPI description (/api/schema/).
    path("api/", include("funding.api.urls")),
]

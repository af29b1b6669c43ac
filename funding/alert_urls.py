from django.urls import path

from funding import alert_views

app_name = "alerts"

# Routes of /portal/alerts/ (saved searches and email preferences).
urlpatterns = [
    path("", alert_views.alert_list, name="list"),
    path("new/", alert_views.alert_create, name="create"),
    path("<int:pk>/edit/", alert_views.alert_edit, name="edit"),
    path("<int:pk>/pause/", alert_views.alert_toggle, name="toggle"),
    path("<int:pk>/delete/", alert_views.alert_delete, name="delete"),
    path(
        "cooperative/<int:cooperative_pk>/",
        alert_views.cooperative_alert_set,
        name="cooperative",
    ),
    path("preferences/", alert_views.preferences_set, name="preferences"),
]

from django.urls import path

from funding import views

app_name = "funding"

urlpatterns = [
    path("", views.CallListView.as_view(), name="call-list"),
    # The feeds come before the slug route, which would otherwise take them for calls.
    path("feed.ics", views.call_feed_ics, name="call-feed-ics"),
    path("feed.rss", views.call_feed_rss, name="call-feed-rss"),
    path("export.csv", views.call_results_export, {"fmt": "csv"}, name="call-export-csv"),
    path("export.xlsx", views.call_results_export, {"fmt": "xlsx"}, name="call-export-xlsx"),
    path("<slug:slug>/", views.CallDetailView.as_view(), name="call-detail"),
    path("<slug:slug>/follow/", views.call_follow, name="call-follow"),
    path("<slug:slug>/unfollow/", views.call_unfollow, name="call-unfollow"),
]

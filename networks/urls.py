from django.urls import path

from networks import views

app_name = "networks"

urlpatterns = [
    path("", views.BodyListView.as_view(), name="body-list"),
    path("<slug:slug>/", views.BodyDetailView.as_view(), name="body-detail"),
]

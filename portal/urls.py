from django.urls import path

from portal import views

app_name = "portal"

urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("switch/", views.switch_cooperative, name="switch-cooperative"),
    path(
        "cooperative/<slug:slug>/edit/",
        views.CooperativeEditView.as_view(),
        name="cooperative-edit",
    ),
    path(
        "cooperative/<slug:slug>/members/",
        views.CooperativeMembersView.as_view(),
        name="cooperative-members",
    ),
    path(
        "cooperative/<slug:slug>/members/<int:pk>/role/",
        views.membership_role,
        name="membership-role",
    ),
    path(
        "cooperative/<slug:slug>/members/<int:pk>/remove/",
        views.membership_delete,
        name="membership-remove",
    ),
    path(
        "cooperative/<slug:slug>/invitations/<int:pk>/withdraw/",
        views.invitation_withdraw,
        name="invitation-withdraw",
    ),
    path("invitations/<str:token>/", views.invitation_accept_view, name="invitation-accept"),
    path("account/", views.AccountView.as_view(), name="account"),
    path("account/export.json", views.account_export_view, name="account-export"),
    path("account/delete/", views.account_delete_view, name="account-delete"),
]

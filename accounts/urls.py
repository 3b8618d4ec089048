from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("profile/", views.profile_edit, name="profile"),
    path("profile/time-zone/", views.time_zone_detected, name="time_zone"),
    path("profile/data/export/", views.data_export_request, name="data_export"),
    path("profile/data/download/", views.data_export_download, name="data_export_download"),
    path("profile/delete/", views.account_delete, name="delete_account"),
    path("u/<str:username>/", views.public_profile, name="public_profile"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/read/", views.notifications_mark_read, name="notifications_read"),
    path("notifications/<int:pk>/open/", views.notification_open, name="notification_open"),
    path("unsubscribe/<slug:topic>/<str:token>/", views.unsubscribe, name="unsubscribe"),
]

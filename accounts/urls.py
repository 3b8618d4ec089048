from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("profile/", views.profile_edit, name="profile"),
    path("u/<str:username>/", views.public_profile, name="public_profile"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/read/", views.notifications_mark_read, name="notifications_read"),
    path("notifications/<int:pk>/open/", views.notification_open, name="notification_open"),
    path("unsubscribe/<slug:topic>/<str:token>/", views.unsubscribe, name="unsubscribe"),
]

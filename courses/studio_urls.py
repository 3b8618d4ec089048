from django.urls import path

from courses import studio_views

app_name = "studio"

urlpatterns = [
    path("<slug:course_slug>/", studio_views.dashboard, name="dashboard"),
]

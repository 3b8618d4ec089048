from django.urls import path

from accounts.views import unsubscribe
from courses import views

app_name = "learn"

lesson = "<slug:course_slug>/<int:number>/<slug:lesson_slug>/"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    # Where reminders sent before accounts:unsubscribe pointed; their tokens still work until they expire.
    path("reminders/stop/<str:token>/", unsubscribe, {"topic": "pace-reminders"}, name="unsubscribe"),
    path("<slug:course_slug>/", views.outline, name="outline"),
    path("<slug:course_slug>/finished/", views.finished, name="finished"),
    path("<slug:course_slug>/<int:number>/", views.session_detail, name="session"),
    path(lesson, views.lesson_detail, name="lesson"),
    path(lesson + "complete/", views.lesson_complete, name="complete"),
    path(lesson + "uncomplete/", views.lesson_uncomplete, name="uncomplete"),
    path(lesson + "video/", views.lesson_video, name="video"),
    path(lesson + "video/position/", views.lesson_position, name="position"),
    path(lesson + "video/poster/", views.lesson_poster, name="poster"),
    path(lesson + "video/captions/<str:language>.vtt", views.lesson_captions, name="captions"),
    path(lesson + "page/", views.lesson_page, name="page"),
    path(lesson + "document/", views.lesson_document, name="document"),
]

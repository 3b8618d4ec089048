from django.urls import path

from gallery import views

app_name = "gallery"

urlpatterns = [
    path("<slug:course_slug>/", views.entry_list, name="list"),
    path("<slug:course_slug>/publish/", views.publish, name="publish"),
    path("<slug:course_slug>/unpublish/", views.unpublish, name="unpublish"),
    path("<slug:course_slug>/yours/", views.own_posts, name="own"),
    path("<slug:course_slug>/<int:pk>/", views.entry_detail, name="entry"),
    path("<slug:course_slug>/<int:pk>/pdf/", views.entry_pdf, name="entry_pdf"),
    path("<slug:course_slug>/<int:pk>/files/<path:name>", views.entry_file, name="entry_file"),
    path("<slug:course_slug>/<int:pk>/comments/", views.comment_create, name="comment"),
    path("<slug:course_slug>/<int:pk>/comments/<int:comment_pk>/edit/", views.comment_edit, name="comment_edit"),
    path("<slug:course_slug>/<int:pk>/comments/<int:comment_pk>/delete/", views.comment_delete, name="comment_delete"),
    path("<slug:course_slug>/<int:pk>/report/", views.report, name="report_entry"),
    path("<slug:course_slug>/<int:pk>/comments/<int:comment_pk>/report/", views.report, name="report_comment"),
    path("<slug:course_slug>/<int:pk>/moderate/", views.moderate, name="moderate_entry"),
    path("<slug:course_slug>/<int:pk>/comments/<int:comment_pk>/moderate/", views.moderate, name="moderate_comment"),
]

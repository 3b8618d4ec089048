from django.urls import path

from portfolios import views

app_name = "portfolios"

urlpatterns = [
    path("<slug:course_slug>/", views.portfolio_detail, name="portfolio"),
    path("<slug:course_slug>/worksheets/<slug:worksheet_slug>/", views.worksheet_detail, name="worksheet"),
    path("<slug:course_slug>/answers/<int:prompt_id>/", views.autosave_answer, name="autosave_answer"),
    path("<slug:course_slug>/texts/<str:field>/", views.autosave_text, name="autosave_text"),
    path("<slug:course_slug>/images/<path:name>", views.answer_image, name="answer_image"),
    path("<slug:course_slug>/file/", views.attachment_download, name="attachment"),
    path("<slug:course_slug>/file/upload/", views.attachment_upload, name="attachment_upload"),
    path("<slug:course_slug>/pdf/", views.pdf_request, name="pdf_request"),
    path("<slug:course_slug>/pdf/status/", views.pdf_status, name="pdf_status"),
    path("<slug:course_slug>/pdf/download/", views.pdf_download, name="pdf_download"),
]

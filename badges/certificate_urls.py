"""Certificates of completion under a short root path, since their URL is printed and typed from paper."""

from django.urls import path

from badges import views

app_name = "certificates"

urlpatterns = [
    path("<str:code>/", views.certificate_detail, name="detail"),
    path("<str:code>/certificate.pdf", views.certificate_pdf, name="pdf"),
    path("<str:code>/credential.json", views.certificate_credential, name="credential"),
]

from django.urls import path

from badges import views

app_name = "badges"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("issuer.json", views.issuer, name="issuer"),
    path("class/<slug:slug>.json", views.badge_class, name="class"),
    path("assertions/<uuid:award_uuid>.json", views.assertion, name="assertion"),
    path("awards/<uuid:award_uuid>/", views.award_detail, name="award"),
    path("awards/<uuid:award_uuid>/baked.png", views.baked_png, name="baked"),
    path("awards/<uuid:award_uuid>/visibility/", views.award_visibility, name="visibility"),
    path("awards/<uuid:award_uuid>/credential.json", views.credential_json, name="credential"),
    path("awards/<uuid:award_uuid>/credential.jwt", views.credential_jwt, name="credential_jwt"),
    path("awards/<uuid:award_uuid>/credential.png", views.credential_png, name="credential_png"),
    path("keys/<str:key_id>.json", views.key, name="key"),
    path("status/<slug:kind>.json", views.status_list, name="status_list"),
    path("verify/", views.verify, name="verify"),
]

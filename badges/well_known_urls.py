"""The issuer's identity at the site's root, where did:web and JWKS clients look for it."""

from django.urls import path

from badges import views

app_name = "well_known"

urlpatterns = [
    path("did.json", views.did_document, name="did"),
    path("jwks.json", views.jwks, name="jwks"),
]

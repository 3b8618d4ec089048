from django.conf import settings
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("", include("accounts.urls")),
    path("learn/", include("courses.learn_urls")),
    path("portfolio/", include("portfolios.urls")),
    path("gallery/", include("gallery.urls")),
    path("badges/", include("badges.urls")),
    path("", include("core.urls")),
    path("", include("courses.urls")),
]

if settings.DEBUG or not settings.IS_PRODUCTION:
    from django.views.static import serve

    # Development media; production serves media from its storage (see README).
    urlpatterns += [path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT})]

admin.site.site_header = "Atelier authoring"
admin.site.site_title = "Atelier authoring"
admin.site.index_title = "Courses, learners and the gallery"

from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path

# The admin signs in through allauth's login, so its rate limits hold there too (set before
# admin.site.urls is read: the URLs keep the view they were built with).
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("", include("accounts.urls")),
    path("learn/", include("courses.learn_urls")),
    path("portfolio/", include("portfolios.urls")),
    # The course's staff: the dashboard (courses) and the reviews of learners' work (portfolios).
    path("studio/", include("portfolios.studio_urls")),
    path("studio/", include("courses.studio_urls")),
    path("gallery/", include("gallery.urls")),
    path("badges/", include("badges.urls")),
    path(".well-known/", include("badges.well_known_urls")),
    path("c/", include("badges.certificate_urls")),
    path("", include("core.urls")),
    path("", include("courses.urls")),
]

if settings.STORAGES["default"]["BACKEND"].endswith("FileSystemStorage"):
    from core.media import serve_media

    # Media on local disk (make run, make prod-local); S3-compatible storage serves its own files.
    urlpatterns += [path(settings.MEDIA_URL.lstrip("/") + "<path:path>", serve_media, name="media")]

admin.site.site_header = "Atelier authoring"
admin.site.site_title = "Atelier authoring"
admin.site.index_title = "Courses, learners and the gallery"
# Its header links "Back to the site" (templates/admin/base_site.html); Django's "View site" beside it went to the same place.
admin.site.site_url = None

handler500 = "core.views.server_error"

"""Serve user-uploaded media from local disk so that nothing uploaded can ever run.

Images are served inline (an <img> needs that) under a `sandbox` Content-Security-Policy
with nosniff, so even a file that slipped past Pillow cannot script our origin; every other
type is served as an attachment. Production with S3-compatible storage never comes here:
the bucket serves the files (see README).
"""

import mimetypes
import posixpath
from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404
from django.utils._os import safe_join
from django.views.decorators.http import require_GET

INLINE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp"}
# Files that have their own view with an access check (the learner's enrollment, the
# portfolio's owner, the gallery's members). Here only staff may fetch them, e.g. from the admin.
PRIVATE_PREFIXES = ("portfolios/", "gallery/pdf/", "badges/pdf/", "lessons/")


@require_GET
def serve_media(request, path: str):
    # Decide on the normal form only, and refuse any other spelling of a path: a check on the
    # raw text would let "./lessons/…", "x/../lessons/…" or "gallery//pdf/…" past the prefix test.
    if not path or posixpath.normpath(path) != path or path.startswith("/") or "\\" in path:
        raise Http404("No such file.")
    if path.startswith(PRIVATE_PREFIXES) and not request.user.is_staff:
        raise Http404("No such file.")
    try:
        full_path = Path(safe_join(settings.MEDIA_ROOT, path))
    except Exception:  # SuspiciousFileOperation for ../ tricks
        raise Http404("No such file.") from None
    if not full_path.is_file():
        raise Http404("No such file.")
    content_type, _ = mimetypes.guess_type(full_path.name)
    content_type = content_type or "application/octet-stream"
    inline = content_type in INLINE_TYPES
    response = FileResponse(
        full_path.open("rb"),
        content_type=content_type if inline or content_type == "application/pdf" else "application/octet-stream",
        as_attachment=not inline,
        filename=full_path.name,
    )
    response["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response

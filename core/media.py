"""Serve user-uploaded media so that nothing uploaded can ever run, and learners' uploads only to
those who may see them.

Images are served inline (an <img> needs that) under a `sandbox` Content-Security-Policy
with nosniff, so even a file that slipped past Pillow cannot script our origin; every other
type is served as an attachment. `stored_file_response` does this for any stored file: the
access-checked views of learners' uploads (portfolios' answer images, gallery covers and
snapshots) call it after their check, from local disk or S3-compatible storage alike.
`serve_media` is MEDIA_URL on local disk (make run, make prod-local); with S3-compatible storage
the bucket serves what is not private, behind signed URLs.
"""

import mimetypes
import posixpath

from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.urls import reverse
from django.views.decorators.http import require_GET

INLINE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp"}
# Files that have their own view with an access check (the learner's enrollment, the
# portfolio's owner, the gallery's members and the entry's visibility). Here only staff may
# fetch them, e.g. from the admin.
PRIVATE_PREFIXES = ("portfolios/", "answers/", "gallery/", "badges/pdf/", "lessons/")
# Learners' data exports: only their owner's view serves them, never this one, staff included.
OWNER_ONLY_PREFIXES = ("exports/",)


def stored_file_response(name: str, *, filename: str = "") -> FileResponse:
    """The stored file `name` (a name from our own rows, never a path from the request), sandboxed;
    404 when it is gone. `filename`: the name a download is saved under (the stored one's by default)."""
    try:
        if not default_storage.exists(name):
            raise Http404("No such file.")
        handle = default_storage.open(name, "rb")
    except (OSError, SuspiciousFileOperation):  # a folder's name, or a path out of the storage
        raise Http404("No such file.") from None
    content_type, _ = mimetypes.guess_type(name)
    content_type = content_type or "application/octet-stream"
    inline = content_type in INLINE_TYPES
    response = FileResponse(
        handle,
        content_type=content_type if inline or content_type == "application/pdf" else "application/octet-stream",
        as_attachment=not inline,
        filename=filename or posixpath.basename(name),
    )
    response["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response


def url_prefix(viewname: str, *args) -> str:
    """The URL of a view whose last argument is a stored file's name, up to that name: the
    address a template appends names to (the images of a compiled portfolio)."""
    return reverse(viewname, args=[*args, "-"])[:-1]


@require_GET
def serve_media(request, path: str):
    # Decide on the normal form only, and refuse any other spelling of a path: a check on the
    # raw text would let "./lessons/…", "x/../lessons/…" or "gallery//pdf/…" past the prefix test.
    if not path or posixpath.normpath(path) != path or path.startswith(("/", "..")) or "\\" in path:
        raise Http404("No such file.")
    if path.startswith(OWNER_ONLY_PREFIXES) or (path.startswith(PRIVATE_PREFIXES) and not request.user.is_staff):
        raise Http404("No such file.")
    return stored_file_response(path)

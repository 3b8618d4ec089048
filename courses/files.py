"""Uploaded lesson videos: checked on upload, and served through Django with HTTP range requests so a <video> can seek."""

import mimetypes
import re

from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponse, StreamingHttpResponse

RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
CHUNK = 64 * 1024
# Any byte position with more digits than this is past the end of every file; reading it as
# this number keeps int() away from Python's 4,300-digit limit (a ValueError, so a 500).
PAST_ANY_END = 10**18


def _position(digits: str) -> int:
    return int(digits) if len(digits) < 19 else PAST_ANY_END


def ranged_file_response(request, field_file) -> HttpResponse:
    """A 200 with the whole file, or a 206 with the single byte range asked for (416 if unsatisfiable).

    Several ranges in one request are answered with the whole file, which RFC 9110 allows.
    """
    content_type = mimetypes.guess_type(field_file.name)[0] or "application/octet-stream"
    size = field_file.size
    match = RANGE.match(request.headers.get("Range", "").strip())
    if not match or not any(match.groups()):
        response = FileResponse(field_file.storage.open(field_file.name, "rb"), content_type=content_type)
        response["Accept-Ranges"] = "bytes"
        return response
    first, last = match.groups()
    if first:
        start, end = _position(first), min(_position(last), size - 1) if last else size - 1
    else:  # "bytes=-500": the last 500 bytes
        start, end = max(0, size - _position(last)), size - 1
    if start >= size or start > end:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        response["Accept-Ranges"] = "bytes"
        return response
    handle = field_file.storage.open(field_file.name, "rb")
    handle.seek(start)
    response = StreamingHttpResponse(_chunks(handle, end - start + 1), status=206, content_type=content_type)
    response["Content-Length"] = str(end - start + 1)
    response["Content-Range"] = f"bytes {start}-{end}/{size}"
    response["Accept-Ranges"] = "bytes"
    return response


def _chunks(handle, length: int):
    try:
        while length > 0:
            data = handle.read(min(CHUNK, length))
            if not data:
                break
            length -= len(data)
            yield data
    finally:
        handle.close()


MAX_VIDEO_BYTES = 2 * 1024 * 1024 * 1024
# What each accepted extension's container starts with: MP4 and M4V have an "ftyp" box at byte 4,
# WebM is Matroska (an EBML header), OGV is an Ogg page.
VIDEO_SIGNATURES = {
    "mp4": lambda head: head[4:8] == b"ftyp",
    "m4v": lambda head: head[4:8] == b"ftyp",
    "webm": lambda head: head[:4] == b"\x1a\x45\xdf\xa3",
    "ogv": lambda head: head[:4] == b"OggS",
}


def validate_video(uploaded) -> None:
    """Refuse an upload that is not the video container its name claims (a renamed file would
    only show a broken player to every learner)."""
    size = getattr(uploaded, "size", 0) or 0
    if size > MAX_VIDEO_BYTES:
        raise ValidationError("Videos are limited to 2 GB; please export a smaller file (720p is plenty for a talk).")
    ext = uploaded.name.rsplit(".", 1)[-1].lower() if "." in uploaded.name else ""
    uploaded.seek(0)
    head = uploaded.read(16)
    uploaded.seek(0)
    check = VIDEO_SIGNATURES.get(ext)
    if check is None or not check(head):
        raise ValidationError(
            "This file is not an MP4, WebM or Ogg video (or its name does not match what it is). "
            "Please export the video as MP4 (H.264 and AAC) or WebM and upload it again."
        )

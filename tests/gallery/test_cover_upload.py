"""Cover images go through core.images: anything that is not a sane raster image is refused with a clear message."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from gallery.models import Entry
from tests.gallery.conftest import EVALUATION, SUMMARY, png_bytes


def post_cover(client, course, upload):
    data = {"title": "My portfolio", "summary": SUMMARY, "critical_evaluation": EVALUATION, "accept_rules": "on", "cover": upload}
    return client.post(reverse("gallery:publish", args=[course.slug]), data)


def bomb_png() -> bytes:
    """A tiny file that claims 30,000 × 30,000 pixels (900 megapixels)."""
    buffer = io.BytesIO()
    Image.new("1", (30000, 30000)).save(buffer, "PNG")
    return buffer.getvalue()


SVG_WITH_SCRIPT = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(document.cookie)</script></svg>'
HTML_AS_PNG = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"


@pytest.mark.parametrize(
    ("name", "content", "content_type", "message"),
    [
        ("notes.txt", b"just some text, not an image", "text/plain", "This file is not an image we can read."),
        ("bomb.png", bomb_png(), "image/png", "megapixels"),
        ("drawing.svg", SVG_WITH_SCRIPT, "image/svg+xml", "This file is not an image we can read."),
        ("page.png", HTML_AS_PNG, "image/png", "This file is not an image we can read."),
        ("truncated.png", png_bytes()[:60], "image/png", "This file is not an image we can read."),
    ],
)
def test_cover_upload_rejects_files_that_are_not_safe_images(author_client, course, portfolio, name, content, content_type, message):
    response = post_cover(author_client, course, SimpleUploadedFile(name, content, content_type=content_type))
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert not Entry.objects.exists()
    # The text the learner typed is still on the page.
    assert "My strategy connects illustrators" in html


def test_cover_upload_over_5_mb_is_refused_with_the_limit(author_client, course, portfolio):
    big = png_bytes() + b"\0" * (5 * 1024 * 1024)  # a real PNG with 5 MB of trailing bytes
    response = post_cover(author_client, course, SimpleUploadedFile("big.png", big, content_type="image/png"))
    assert "the limit is 5 MB" in response.content.decode()
    assert not Entry.objects.exists()


def test_cover_metadata_is_stripped(author_client, course, portfolio, learner):
    image = Image.new("RGB", (300, 200), (10, 120, 200))
    exif = Image.Exif()
    exif[0x010E] = "secret description"  # ImageDescription
    exif[0x8825] = {2: (51, 30, 0)}  # GPS
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    assert b"secret description" in buffer.getvalue()
    response = post_cover(author_client, course, SimpleUploadedFile("photo.jpg", buffer.getvalue(), content_type="image/jpeg"))
    assert response.status_code == 302
    entry = Entry.objects.get()
    for field in (entry.cover, entry.cover_small, entry.cover_large):
        data = field.read()
        assert b"secret description" not in data
        with Image.open(io.BytesIO(data)) as stored:
            assert not stored.getexif()

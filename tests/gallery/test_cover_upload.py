"""Cover images go through core.images: anything that is not a sane raster image is refused with a clear message."""

import io
import os

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from core.images import open_image
from gallery.models import Entry
from gallery.services import store_cover_thumbnails
from gallery.tasks import make_cover_thumbnails
from tests.gallery.conftest import EVALUATION, SUMMARY, png_bytes


def post_cover(client, course, upload):
    data = {"title": "My portfolio", "summary": SUMMARY, "critical_evaluation": EVALUATION, "accept_rules": "on",
            "cover": upload, "cover_alt": "A sketchbook"}
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


def test_cover_upload_over_25_mb_is_refused_with_the_limit(author_client, course, portfolio):
    big = png_bytes() + b"\0" * (25 * 1024 * 1024)  # a real PNG with 25 MB of trailing bytes
    response = post_cover(author_client, course, SimpleUploadedFile("big.png", big, content_type="image/png"))
    assert "the limit is 25 MB" in response.content.decode()
    assert not Entry.objects.exists()


def test_cover_metadata_is_stripped(author_client, course, portfolio, learner, django_capture_on_commit_callbacks):
    image = Image.new("RGB", (300, 200), (10, 120, 200))
    exif = Image.Exif()
    exif[0x010E] = "secret description"  # ImageDescription
    exif[0x8825] = {2: (51, 30, 0)}  # GPS
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    assert b"secret description" in buffer.getvalue()
    with django_capture_on_commit_callbacks(execute=True):  # the thumbnails are made after the commit
        response = post_cover(author_client, course, SimpleUploadedFile("photo.jpg", buffer.getvalue(), content_type="image/jpeg"))
    assert response.status_code == 302
    entry = Entry.objects.get()
    for field in (entry.cover, entry.cover_small, entry.cover_large):
        data = field.read()
        assert b"secret description" not in data
        with Image.open(io.BytesIO(data)) as stored:
            assert not stored.getexif()


def image_bytes(size, fmt="PNG", mode="RGB") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, 90).save(buffer, fmt)
    return buffer.getvalue()


def test_a_5000_by_5000_png_cover_is_refused_before_it_is_decoded(author_client, course, portfolio):
    """The attack: 73 KB of PNG that decodes to 25 megapixels, more than a 2000-pixel cover needs."""
    upload = SimpleUploadedFile("huge.png", image_bytes((5000, 5000), mode="P"), content_type="image/png")
    response = post_cover(author_client, course, upload)
    html = response.content.decode()
    assert "This image is 5000×5000 pixels; the limit is 16 megapixels" in html
    assert not Entry.objects.exists()
    assert "My strategy connects illustrators" in html


def test_a_jpeg_photo_larger_than_the_pixel_limit_is_accepted_because_it_decodes_at_a_reduced_scale():
    """9000×9000 is 81 megapixels in the file; the decoder is asked for a quarter of each side."""
    upload = SimpleUploadedFile("photo.jpg", image_bytes((9000, 9000), fmt="JPEG"), content_type="image/jpeg")
    image = open_image(upload, max_side=2000)
    assert image.size == (2000, 2000)


def test_an_image_is_decoded_no_bigger_than_its_use_needs():
    upload = SimpleUploadedFile("wide.png", image_bytes((3000, 1000)), content_type="image/png")
    assert open_image(upload, max_side=1500).size == (1500, 500)
    small = SimpleUploadedFile("small.png", image_bytes((300, 200)), content_type="image/png")
    assert open_image(small, max_side=1500).size == (300, 200)


def test_a_sideways_photo_is_turned_upright_after_it_is_shrunk():
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to view
    buffer = io.BytesIO()
    Image.new("RGB", (4000, 3000), (10, 120, 200)).save(buffer, "JPEG", exif=exif)
    image = open_image(SimpleUploadedFile("photo.jpg", buffer.getvalue(), content_type="image/jpeg"), max_side=2000)
    assert image.size == (1500, 2000)


def test_the_thumbnails_are_made_after_the_response_by_a_task(author_client, course, portfolio, django_capture_on_commit_callbacks):
    upload = SimpleUploadedFile("cover.png", png_bytes(size=(2400, 1200)), content_type="image/png")
    with django_capture_on_commit_callbacks() as callbacks:
        assert post_cover(author_client, course, upload).status_code == 302
        entry = Entry.objects.get()
        # The request stored the cover, no bigger than it is kept, and nothing else.
        with Image.open(entry.cover.path) as stored:
            assert stored.size == (2000, 1000)
        assert not entry.cover_small and not entry.cover_large
    for callback in callbacks:
        callback()
    entry.refresh_from_db()
    with Image.open(entry.cover_small.path) as small, Image.open(entry.cover_large.path) as large:
        assert small.size == (480, 480)
        assert large.size == (1400, 700)


def test_making_the_thumbnails_again_changes_nothing(entry):
    entry.cover.save("cover.jpg", ContentFile(image_bytes((800, 600), fmt="JPEG")), save=True)
    assert make_cover_thumbnails(entry.pk) is True
    entry.refresh_from_db()
    made = (entry.cover_small.name, entry.cover_large.name)
    assert make_cover_thumbnails(entry.pk) is True
    entry.refresh_from_db()
    assert (entry.cover_small.name, entry.cover_large.name) == made


def test_thumbnails_of_a_cover_replaced_meanwhile_are_dropped(entry, settings):
    """A task that finishes after a re-publish replaced the cover records nothing and leaves no files."""
    entry.cover.save("cover.jpg", ContentFile(image_bytes((800, 600), fmt="JPEG")), save=True)
    stale = Entry.objects.get(pk=entry.pk)
    Entry.objects.filter(pk=entry.pk).update(cover="gallery/another-cover.jpg")
    files_before = set(os.listdir(os.path.join(settings.MEDIA_ROOT, "gallery")))
    assert store_cover_thumbnails(stale) is False
    entry.refresh_from_db()
    assert not entry.cover_small and not entry.cover_large
    assert set(os.listdir(os.path.join(settings.MEDIA_ROOT, "gallery"))) == files_before

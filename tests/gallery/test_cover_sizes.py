"""#16.11: a gallery cover is described by its author and served in sizes (srcset, width and height)."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gallery.models import Entry
from tests.gallery.conftest import png_bytes


def publish(client, course, **extra):
    data = {"title": "Mine", "accept_rules": "on", **extra}
    return client.post(reverse("gallery:publish", args=[course.slug]), data)


def test_a_cover_needs_a_description_and_nothing_else_typed_is_lost(author_client, course, portfolio):
    cover = SimpleUploadedFile("cover.png", png_bytes(size=(1600, 900)), content_type="image/png")
    response = publish(author_client, course, cover=cover, title="Typed title")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Please describe the cover image in a few words" in html and 'value="Typed title"' in html
    assert not Entry.objects.exists()


def test_the_entry_page_serves_the_cover_in_sizes_with_its_description(author_client, peer_client, course, portfolio,
                                                                     django_capture_on_commit_callbacks):
    cover = SimpleUploadedFile("cover.png", png_bytes(size=(1600, 900)), content_type="image/png")
    with django_capture_on_commit_callbacks(execute=True):
        assert publish(author_client, course, cover=cover, cover_alt="Three sketchbooks open on a desk").status_code == 302
    entry = Entry.objects.get()
    assert entry.cover_medium and (entry.cover_width, entry.cover_height) == (1400, 788)
    html = peer_client.get(entry.get_absolute_url()).content.decode()
    medium = reverse("gallery:entry_file", args=[course.slug, entry.pk, entry.cover_medium.name])
    large = reverse("gallery:entry_file", args=[course.slug, entry.pk, entry.cover_large.name])
    assert f'srcset="{medium} 700w, {large} 1400w"' in html
    assert 'width="1400" height="788"' in html
    assert 'alt="Three sketchbooks open on a desk"' in html
    assert peer_client.get(medium).status_code == 200


def test_a_small_cover_names_its_real_widths_in_srcset(author_client, peer_client, course, portfolio, django_capture_on_commit_callbacks):
    cover = SimpleUploadedFile("cover.png", png_bytes(size=(720, 480)), content_type="image/png")
    with django_capture_on_commit_callbacks(execute=True):
        publish(author_client, course, cover=cover, cover_alt="A small cover")
    entry = Entry.objects.get()
    html = peer_client.get(entry.get_absolute_url()).content.decode()
    assert " 700w, " in html and " 720w\"" in html and 'width="720" height="480"' in html

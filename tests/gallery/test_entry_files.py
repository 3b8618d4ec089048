"""An entry's images (its cover in each size, its snapshot's copies of answer images) reach only those who
may see the entry: not once it is unpublished or hidden, not once replaced, never by their media URL."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from gallery import services
from gallery.models import Entry
from tests.gallery.conftest import EVALUATION, SUMMARY, client_for, png_bytes


def publish_with_cover(client, course, color=(200, 80, 120)):
    upload = SimpleUploadedFile("cover.png", png_bytes(size=(900, 600), color=color), content_type="image/png")
    data = {"title": "My portfolio", "summary": SUMMARY, "critical_evaluation": EVALUATION, "accept_rules": "on",
            "cover": upload, "cover_alt": "A sketchbook"}
    assert client.post(reverse("gallery:publish", args=[course.slug]), data).status_code == 302
    return Entry.objects.get(portfolio__enrollment__course=course, author__email="learner@example.com")


@pytest.fixture
def covered(author_client, course, portfolio, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        entry = publish_with_cover(author_client, course)
    entry.refresh_from_db()
    return entry


def file_url(entry, name):
    return reverse("gallery:entry_file", args=[entry.course.slug, entry.pk, name])


def images(entry):
    return sorted(services.entry_images(entry))


def test_every_image_of_a_published_entry_reaches_its_peers_sandboxed(covered, peer_client):
    assert len(images(covered)) == 5  # four cover sizes (#16.11: a middle one for srcset) and the snapshot's mood board
    for name in images(covered):
        response = peer_client.get(file_url(covered, name))
        assert response.status_code == 200, name
        assert response["Content-Type"] in ("image/jpeg", "image/png")
        assert response["Content-Security-Policy"].startswith("sandbox")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content)[:2] in (b"\xff\xd8", b"\x89P")


def test_the_pages_link_the_images_through_the_checked_view(covered, peer_client, author_client):
    grid = peer_client.get(reverse("gallery:list", args=[covered.course.slug])).content.decode()
    assert file_url(covered, covered.cover_small.name) in grid
    page = peer_client.get(covered.get_absolute_url()).content.decode()
    assert file_url(covered, covered.cover_large.name) in page
    snapshot_image = next(name for name in images(covered) if name.startswith(services.SNAPSHOT_IMAGE_PREFIX))
    assert file_url(covered, snapshot_image) in page
    assert "/media/" not in grid and "/media/" not in page
    publish = author_client.get(reverse("gallery:publish", args=[covered.course.slug])).content.decode()
    assert file_url(covered, covered.cover_small.name) in publish


def test_the_images_of_an_unpublished_entry_reach_only_its_author_and_staff(covered, peer_client, author_client, staff_client):
    services.unpublish_entry(covered)
    for name in images(covered):
        assert peer_client.get(file_url(covered, name)).status_code == 404
        assert author_client.get(file_url(covered, name)).status_code == 200
        assert staff_client.get(file_url(covered, name)).status_code == 200


def test_the_images_of_a_hidden_entry_reach_only_its_author_and_staff(covered, peer_client, author_client, staff_client, instructor):
    services.moderate(covered, hide=True, by=instructor)
    for name in images(covered):
        assert peer_client.get(file_url(covered, name)).status_code == 404
        assert author_client.get(file_url(covered, name)).status_code == 200
        assert staff_client.get(file_url(covered, name)).status_code == 200


def test_a_replaced_cover_is_out_of_reach(covered, author_client, peer_client, course, django_capture_on_commit_callbacks):
    old = images(covered)
    with django_capture_on_commit_callbacks(execute=True):
        entry = publish_with_cover(author_client, course, color=(10, 200, 30))
    entry.refresh_from_db()
    assert not set(old) & set(images(entry))
    for name in old:
        assert peer_client.get(file_url(entry, name)).status_code == 404
        assert author_client.get(file_url(entry, name)).status_code == 404


def test_outsiders_and_the_anonymous_get_no_image(covered, outsider):
    name = covered.cover_small.name
    assert client_for(outsider).get(file_url(covered, name)).status_code == 404
    response = Client().get(file_url(covered, name))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


def test_a_file_that_is_not_the_entrys_is_a_404_even_when_it_exists(covered, peer_client, portfolio):
    answer_image = portfolio.answers.exclude(image="").get().image.name
    assert peer_client.get(file_url(covered, answer_image)).status_code == 404
    assert peer_client.get(file_url(covered, "../config/settings.py")).status_code == 404


def test_gallery_images_are_not_served_by_their_media_url(covered, peer_client, author_client):
    for name in images(covered):
        assert Client().get(f"/media/{name}").status_code == 404
        assert peer_client.get(f"/media/{name}").status_code == 404
        assert author_client.get(f"/media/{name}").status_code == 404


def test_an_image_costs_four_queries(covered, peer_client, django_assert_num_queries):
    """Up to 24 of these per page of the gallery grid."""
    url = file_url(covered, covered.cover_small.name)
    with django_assert_num_queries(4):  # session, user, enrollment with its course, entry
        assert peer_client.get(url).status_code == 200

"""Image uploads are rate-limited per person, all kinds together (core.ratelimit.UPLOAD_LIMITS): a refused one
gets a clear message, stores nothing, and keeps everything else the learner entered."""

import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from gallery.models import Entry
from portfolios.models import Answer
from tests.gallery.conftest import EVALUATION, SUMMARY, client_for

MESSAGE = "You are uploading images faster than we allow"


def upload() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 80, 120)).save(buffer, "PNG")
    return SimpleUploadedFile("picture.png", buffer.getvalue(), content_type="image/png")



@pytest.fixture
def board(portfolio, worksheets):
    Answer.objects.filter(prompt=worksheets["moodboard"]).update(version=1)
    return worksheets["moodboard"]


def autosave(client, course, prompt):
    version = Answer.objects.get(prompt=prompt).version
    url = reverse("portfolios:autosave_answer", args=[course.slug, prompt.pk])
    return client.post(url, {f"prompt_{prompt.pk}": upload(), f"alt_{prompt.pk}": "A mood board", f"version_{prompt.pk}": str(version)})


def stored_answers() -> set:
    return set(default_storage.listdir("answers")[1])


def test_the_eleventh_upload_in_a_minute_is_refused_with_429_and_stores_nothing(author_client, course, board, clock):
    """Before: every autosave was decoded and stored, however fast they came."""
    for _ in range(10):
        assert autosave(author_client, course, board).status_code == 200
    files, version = stored_answers(), Answer.objects.get(prompt=board).version
    response = autosave(author_client, course, board)
    assert response.status_code == 429
    assert MESSAGE in response.json()["errors"][0]
    assert "try this image again in a minute" in response.json()["errors"][0]
    assert stored_answers() == files
    assert Answer.objects.get(prompt=board).version == version
    clock["t"] += 60
    assert autosave(author_client, course, board).status_code == 200


def test_the_hourly_limit_holds_across_minutes(author_client, course, board, clock):
    for n in range(60):
        clock["t"] += 61 if n and n % 10 == 0 else 0
        assert autosave(author_client, course, board).status_code == 200
    clock["t"] += 61
    response = autosave(author_client, course, board)
    assert response.status_code == 429
    assert "minutes" in response.json()["errors"][0]


def test_the_limit_is_per_person_and_counts_every_kind_of_upload(author_client, course, board, clock, peer, learner):
    for _ in range(9):
        autosave(author_client, course, board)
    profile = author_client.post(reverse("accounts:profile"), {"display_name": "Lee", "country": "AU", "avatar": upload()})
    assert profile.status_code == 302  # the tenth
    response = author_client.post(reverse("accounts:profile"), {"display_name": "Lee Typed", "country": "AU", "avatar": upload()})
    html = response.content.decode()
    assert MESSAGE in html
    assert 'value="Lee Typed"' in html
    learner.refresh_from_db()
    assert learner.display_name == "Lee"
    peer_client = client_for(peer)
    assert peer_client.post(reverse("accounts:profile"), {"display_name": "P", "avatar": upload()}).status_code == 302


def test_a_refused_cover_keeps_the_texts_and_publishes_nothing(author_client, course, board, clock):
    for _ in range(10):
        autosave(author_client, course, board)
    data = {"title": "Typed title", "summary": SUMMARY, "critical_evaluation": EVALUATION, "accept_rules": "on",
            "cover": upload(), "cover_alt": "A sketchbook"}
    response = author_client.post(reverse("gallery:publish", args=[course.slug]), data)
    html = response.content.decode()
    assert MESSAGE in html
    assert "Typed title" in html and "My strategy connects illustrators" in html
    assert not Entry.objects.exists()


def test_a_refused_image_on_the_worksheet_page_still_saves_the_other_answers(author_client, course, board, clock, worksheets):
    for _ in range(10):
        autosave(author_client, course, board)
    channels = worksheets["channels"]  # on the same worksheet as the mood board
    Answer.objects.filter(prompt=channels).update(version=1)  # as saved through the page
    image_version = Answer.objects.get(prompt=board).version
    data = {
        f"prompt_{channels.pk}": ["Facebook"],
        f"version_{channels.pk}": "1",
        f"prompt_{board.pk}": upload(),
        f"alt_{board.pk}": "A mood board",
        f"version_{board.pk}": str(image_version),
    }
    response = author_client.post(reverse("portfolios:worksheet", args=[course.slug, board.worksheet.slug]), data)
    assert response.status_code == 400
    assert MESSAGE in response.content.decode()
    assert Answer.objects.get(prompt=board).version == image_version
    assert Answer.objects.get(prompt=channels).value == ["Facebook"]

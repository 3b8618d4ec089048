"""A stored file goes when it is replaced or when its row goes: replaced answer images, and the covers, snapshot
images and PDFs of deleted entries and portfolios, are deleted after the commit (avatars: tests/accounts)."""


import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse

from core.images import SizedImage
from gallery import services as gallery_services
from gallery.models import Entry
from portfolios.models import Answer, Portfolio
from portfolios.services import VersionConflict, save_answer
from tests.factories import png, upload
from tests.gallery.conftest import EVALUATION, SUMMARY


@pytest.fixture
def image_prompt(portfolio, worksheets):
    return worksheets["moodboard"]


def autosave_image(client, course, prompt, version, color):
    url = reverse("portfolios:autosave_answer", args=[course.slug, prompt.pk])
    return client.post(url, {f"prompt_{prompt.pk}": upload(color), f"alt_{prompt.pk}": "A mood board", f"version_{prompt.pk}": str(version)})


def test_a_replaced_answer_image_is_deleted(author_client, course, image_prompt, django_capture_on_commit_callbacks):
    Answer.objects.filter(prompt=image_prompt).update(version=1)  # as saved through the page
    answer = Answer.objects.get(prompt=image_prompt)
    first = answer.image.name
    assert default_storage.exists(first)
    with django_capture_on_commit_callbacks(execute=True):
        assert autosave_image(author_client, course, image_prompt, answer.version, (1, 2, 3)).status_code == 200
    answer.refresh_from_db()
    assert answer.image.name != first
    assert default_storage.exists(answer.image.name)
    assert not default_storage.exists(first)


def test_a_refused_replacement_deletes_only_its_own_upload(portfolio, image_prompt, django_capture_on_commit_callbacks):
    answer = Answer.objects.get(prompt=image_prompt)
    kept = answer.image.name
    folder_before = set(default_storage.listdir("answers")[1])
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(VersionConflict):
        save_answer(portfolio, image_prompt, None, expected_version=answer.version + 5, image=SizedImage(ContentFile(png(), "x.png"), None, 64, 48))
    assert default_storage.exists(kept)
    assert set(default_storage.listdir("answers")[1]) == folder_before


def test_a_deleted_portfolio_takes_its_answer_images_and_pdf(portfolio, django_capture_on_commit_callbacks):
    portfolio.pdf.save("portfolio.pdf", ContentFile(b"%PDF-1.4 test"), save=True)
    names = [portfolio.pdf.name, *(a.image.name for a in portfolio.answers.exclude(image=""))]
    assert len(names) == 2 and all(default_storage.exists(name) for name in names)
    with django_capture_on_commit_callbacks(execute=True):
        Portfolio.objects.filter(pk=portfolio.pk).delete()
    assert not any(default_storage.exists(name) for name in names)


def test_a_deleted_entry_takes_its_covers_snapshot_images_and_pdf(author_client, course, portfolio, django_capture_on_commit_callbacks):
    data = {"title": "T", "summary": SUMMARY, "critical_evaluation": EVALUATION, "accept_rules": "on",
            "cover": upload(), "cover_alt": "A sketchbook"}
    with django_capture_on_commit_callbacks(execute=True):
        author_client.post(reverse("gallery:publish", args=[course.slug]), data)
    entry = Entry.objects.get()
    entry.pdf.save("entry.pdf", ContentFile(b"%PDF-1.4 test"), save=True)
    names = [*gallery_services.entry_images(entry), entry.pdf.name]
    assert len(names) == 6 and all(default_storage.exists(name) for name in names)  # four cover sizes, a snapshot image, the PDF
    with django_capture_on_commit_callbacks(execute=True):
        entry.delete()
    assert not any(default_storage.exists(name) for name in names)

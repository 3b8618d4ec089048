"""Download your data: a zip built in a task, emailed when ready, served to its owner only, kept 7 days."""

import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from accounts.models import DataExport
from accounts.tasks import build_data_export, delete_expired_exports
from badges.services import award_badge, revoke_award
from config.celery import app
from gallery import services as gallery
from portfolios.models import Answer
from tests.badges.conftest import make_badge  # noqa: F401 - a fixture
from tests.conftest import wait_for
from tests.gallery.conftest import entry, peer, png_bytes, portfolio, worksheets  # noqa: F401 - the fixtures

SITE = settings.SITE_URL


@pytest.fixture
def learner_with_data(learner, entry, peer, course, make_badge):  # noqa: F811
    """Lee: a portfolio with answers and an uploaded image, a published entry, a comment on it by
    a peer and Lee's reply, an avatar, and two badges (one revoked)."""
    learner.avatar.save("me.png", ContentFile(png_bytes((32, 32))), save=True)
    question = gallery.post_comment(entry, peer, "Which supplies do they review?")
    gallery.post_comment(entry, learner, "Mostly gouache and brushes.", parent=question)
    kept = award_badge(learner, make_badge(course, name="Strategist", slug="strategist"))
    revoked = award_badge(learner, make_badge(course, name="Networker", slug="networker"))
    revoke_award(revoked, "Awarded by mistake.")
    return {"learner": learner, "entry": entry, "kept": kept, "revoked": revoked}


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def ask_and_build(client, django_capture_on_commit_callbacks) -> DataExport:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:data_export"))
    assert response.status_code == 302
    return DataExport.objects.get()


def download(client) -> zipfile.ZipFile:
    response = client.get(reverse("accounts:data_export_download"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith("attachment;")
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def test_the_export_holds_answers_uploads_the_portfolio_pdf_comments_and_open_badges(
    learner_with_data, django_capture_on_commit_callbacks
):
    learner, kept = learner_with_data["learner"], learner_with_data["kept"]
    client = logged_in(learner)
    ask_and_build(client, django_capture_on_commit_callbacks)
    archive = download(client)
    names = set(archive.namelist())
    folder = "portfolios/micro-influence"

    profile = json.loads(archive.read("account/profile.json"))
    assert (profile["email"], profile["display_name"]) == ("learner@example.com", "Lee Learner")
    assert profile["email_addresses"] == [{"email": "learner@example.com", "verified": True, "primary": True}]
    assert archive.read("account/avatar.png") == learner.avatar.open("rb").read()
    assert json.loads(archive.read("courses/enrollments.json"))[0]["course"]["slug"] == "micro-influence"

    # Answers as JSON, uploads as the files themselves, and the portfolio PDF.
    answers = json.loads(archive.read(f"{folder}/answers.json"))
    given = {a["question"]: a for w in answers["worksheets"] for a in w["answers"]}
    assert given["Who is your audience?"]["answer"] == "Emerging illustrators in Melbourne."
    assert given["Channels"]["answer"] == ["Instagram", "LinkedIn"]
    board = Answer.objects.get(prompt__label="Your mood board")
    assert given["Your mood board"]["file"].startswith("uploads/")
    assert archive.read(f"{folder}/{given['Your mood board']['file']}") == board.image.open("rb").read()
    assert answers["summary"].startswith("My strategy connects illustrators")
    assert archive.read(f"{folder}/portfolio.pdf").startswith(b"%PDF-")

    # The gallery: their entry with its cover-less texts, and their comments (not the peer's).
    assert json.loads(archive.read("gallery/entries/micro-influence/entry.json"))["title"] == "Lee’s illustrator network"
    comments = json.loads(archive.read("gallery/comments.json"))
    assert [c["text"] for c in comments] == ["Mostly gouache and brushes."]
    assert comments[0]["url"].startswith(SITE + "/gallery/micro-influence/")

    # Badges: the assertion its URL answers with, and the PNG with it baked in; a revoked one says so.
    assertion_url = reverse("badges:assertion", args=[kept.uuid])
    served = json.loads(client.get(assertion_url).content)
    assert json.loads(archive.read("badges/strategist/assertion.json")) == served
    baked = Image.open(io.BytesIO(archive.read("badges/strategist/badge.png")))
    assert json.loads(baked.text["openbadges"]) == served
    assert json.loads(archive.read("badges/networker/assertion.json"))["revoked"] is True
    assert "badges/networker/badge.png" not in names

    readme = archive.read("README.txt").decode()
    assert all(f"  {name}\n" in readme + "\n" for name in names - {"README.txt"})
    assert archive.testzip() is None


def test_asking_queues_one_build_on_the_default_queue_and_emails_a_link_when_ready(
    learner, enrollment, django_capture_on_commit_callbacks
):
    client = logged_in(learner)
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(reverse("accounts:data_export"), follow=True)
        client.post(reverse("accounts:data_export"))  # a second click while it is queued
    assert "We are preparing your download and will email learner@example.com" in response.content.decode()
    assert len(callbacks) == 1  # one build queued for two clicks
    assert DataExport.objects.get().status == DataExport.Status.QUEUED
    assert app.amqp.router.route({}, "accounts.tasks.build_data_export", (), {})["queue"].name == "celery"  # the default queue
    assert mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        callbacks[0]()  # the worker runs the build, which queues the email
    export = DataExport.objects.get()
    assert export.status == DataExport.Status.READY
    assert default_storage.exists(export.file.name) and export.file.name.startswith("exports/")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["learner@example.com"]
    assert message.subject == "Your Atelier data is ready to download"
    assert SITE + reverse("accounts:data_export_download") in message.body
    assert SITE + reverse("accounts:data_export_download") in message.alternatives[0][0]
    assert "kept until" in message.body

    # The task is idempotent: delivered again, it builds and emails nothing more.
    assert build_data_export(export.pk) == "skipped"
    assert len(mail.outbox) == 1
    page = client.get(reverse("accounts:profile")).content.decode()
    assert "Download your data (zip)" in page and "Prepare a new download" in page


def test_the_download_reaches_only_its_owner(learner, other_learner, admin_user, enrollment, django_capture_on_commit_callbacks):
    export = ask_and_build(logged_in(learner), django_capture_on_commit_callbacks)
    url = reverse("accounts:data_export_download")
    assert Client().get(url).status_code == 302  # to the log-in page
    assert reverse("account_login") in Client().get(url)["Location"]
    other = logged_in(other_learner).get(url)
    assert other.status_code == 302 and other["Location"].endswith("/profile/#your-data")
    # The stored file is never served as media, not even to staff.
    for client in (Client(), logged_in(learner), logged_in(admin_user)):
        assert client.get(export.file.url).status_code == 404


def test_a_download_is_deleted_with_its_file_seven_days_after_it_was_made(learner, enrollment, django_capture_on_commit_callbacks):
    client = logged_in(learner)
    export = ask_and_build(client, django_capture_on_commit_callbacks)
    name = export.file.name
    DataExport.objects.filter(pk=export.pk).update(finished_at=timezone.now() - timedelta(days=6, hours=23))
    assert delete_expired_exports() == 0
    DataExport.objects.filter(pk=export.pk).update(finished_at=timezone.now() - timedelta(days=7, minutes=1))
    # Past seven days the link says so even before the daily task has run.
    response = client.get(reverse("accounts:data_export_download"), follow=True)
    assert "That download is no longer available" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert delete_expired_exports() == 1
    assert not DataExport.objects.exists()
    assert not default_storage.exists(name)
    assert "accounts.tasks.delete_expired_exports" in {job["task"] for job in app.conf.beat_schedule.values()}


def test_a_new_download_replaces_the_previous_one_and_its_file(learner, enrollment, django_capture_on_commit_callbacks):
    client = logged_in(learner)
    first = ask_and_build(client, django_capture_on_commit_callbacks).file.name
    second = ask_and_build(client, django_capture_on_commit_callbacks).file.name
    assert first != second
    assert not default_storage.exists(first)
    assert default_storage.exists(second)
    assert DataExport.objects.count() == 1


def test_a_build_that_fails_says_so_and_may_be_asked_for_again(
    learner, course, enrollment, make_badge, django_capture_on_commit_callbacks  # noqa: F811
):
    award = award_badge(learner, make_badge(course, slug="lost-artwork"))
    default_storage.delete(award.badge.image.name)  # the badge's artwork went missing from storage
    client = logged_in(learner)
    export = ask_and_build(client, django_capture_on_commit_callbacks)
    assert export.status == DataExport.Status.FAILED
    assert export.file.name == ""
    assert "We could not prepare your download this time" in client.get(reverse("accounts:profile")).content.decode()
    award.badge.image.save("badge.png", ContentFile(png_bytes((60, 60))), save=True)
    assert ask_and_build(client, django_capture_on_commit_callbacks).status == DataExport.Status.READY


def test_a_learner_may_prepare_five_downloads_a_day(learner, enrollment, django_capture_on_commit_callbacks):
    client = logged_in(learner)
    for _ in range(5):
        assert ask_and_build(client, django_capture_on_commit_callbacks).status == DataExport.Status.READY
    kept = DataExport.objects.get().file.name
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:data_export"), follow=True)
    assert "You have asked for 5 downloads of your data today" in response.content.decode()
    assert DataExport.objects.get().file.name == kept  # the last one is still there to download
    assert download(client).testzip() is None


@pytest.mark.redis
def test_a_worker_builds_the_download_and_emails_the_learner(celery_worker, learner, enrollment):
    """Through Redis to a real worker: the request returns at once, the worker builds, then emails."""
    response = logged_in(learner).post(reverse("accounts:data_export"), follow=True)
    assert "We are preparing your download" in response.content.decode()
    wait_for(lambda: DataExport.objects.filter(status=DataExport.Status.READY, emailed_at__isnull=False).exists(), timeout=60)
    export = DataExport.objects.get()
    assert zipfile.ZipFile(export.file.open("rb")).testzip() is None
    wait_for(lambda: "Subject: Your Atelier data is ready to download" in open(celery_worker.log_path).read(), timeout=30)

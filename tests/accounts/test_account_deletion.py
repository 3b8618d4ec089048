"""Deleting an account: the password first, personal data gone, badges verifiable or revoked as
chosen, peers' replies kept, and the learner logged out."""

import hashlib
import io
import json

import pytest
from allauth.account.models import EmailAddress
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from PIL import Image

from accounts.models import DataExport, Notification, User
from badges.models import Award
from badges.services import WITHDRAWN_REASON, award_badge
from courses.models import Enrollment
from gallery import services as gallery
from gallery.models import Comment, Entry
from portfolios.models import Answer, Portfolio
from portfolios.services import get_or_create_portfolio
from tests.badges.conftest import make_badge  # noqa: F401 - a fixture
from tests.gallery.conftest import client_for, entry, peer, png_bytes, portfolio, worksheets  # noqa: F401 - the fixtures

URL = "/profile/delete/"


@pytest.fixture
def award(learner, course, make_badge):  # noqa: F811
    return award_badge(learner, make_badge(course, name="Strategist", slug="strategist"))


def delete(client, django_capture_on_commit_callbacks, **data):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(URL, {"password": "correct-horse-42", **data})


def test_the_page_asks_for_the_password_and_says_what_is_deleted_and_what_stays(learner, award):
    client = client_for(learner)
    html = client.get(URL).content.decode()
    assert "What is deleted" in html and "What stays" in html
    assert "Your portfolios: every worksheet answer, the images you uploaded" in html
    assert "Replies other people wrote to your comments" in html
    assert "Keep them verifiable" in html and "Revoke them" in html
    assert 'type="password"' in html and 'autocomplete="current-password"' in html
    # The profile leads here, beside the download of one's data.
    profile = client.get(reverse("accounts:profile")).content.decode()
    assert f'href="{URL}"' in profile and "Prepare a download of my data" in profile


def test_a_wrong_password_deletes_nothing(learner, award):
    client = client_for(learner)
    response = client.post(URL, {"password": "not-my-password", "badges": "keep"})
    assert response.status_code == 400
    assert "That is not your password" in response.content.decode()
    assert User.objects.filter(pk=learner.pk).exists()
    assert client.get(reverse("accounts:profile")).status_code == 200  # still logged in
    assert client.post(URL, {"badges": "keep"}).status_code == 400  # no password at all
    assert User.objects.filter(pk=learner.pk).exists()


def test_deleting_the_account_removes_the_personal_data_and_files_and_logs_out(
    learner, entry, peer, django_capture_on_commit_callbacks  # noqa: F811
):
    learner.avatar.save("me.png", ContentFile(png_bytes((32, 32))), save=True)
    with django_capture_on_commit_callbacks(execute=True):
        client = client_for(learner)
        client.post(reverse("accounts:data_export"))
    gallery.post_comment(entry, peer, "Lovely")  # a notification for Lee
    files = [
        learner.avatar.name,
        Answer.objects.exclude(image="").get().image.name,
        DataExport.objects.get().file.name,
        *gallery.entry_images(entry),
    ]
    assert all(default_storage.exists(name) for name in files)

    response = delete(client, django_capture_on_commit_callbacks)

    assert response.status_code == 302 and response["Location"] == "/"
    assert not User.objects.filter(pk=learner.pk).exists()
    assert not EmailAddress.objects.filter(email="learner@example.com").exists()
    assert not Enrollment.objects.filter(user_id=learner.pk).exists()
    assert not Portfolio.objects.filter(enrollment__user_id=learner.pk).exists()
    for model in (Answer, Entry, DataExport):  # Olive, the peer, has none of these
        assert not model.objects.exists(), model
    assert not Notification.objects.filter(user_id=learner.pk).exists()
    assert [name for name in files if default_storage.exists(name)] == []
    # Logged out: the next page asks to log in, and says what happened.
    assert client.get(reverse("accounts:profile")).status_code == 302
    assert "Your account is deleted" in client.get("/", follow=True).content.decode()


def test_kept_badges_stay_verifiable_without_the_account(learner, award, django_capture_on_commit_callbacks):
    salt = award.salt
    delete(client_for(learner), django_capture_on_commit_callbacks, badges="keep")

    award.refresh_from_db()
    assert award.recipient is None and not award.is_revoked
    visitor = Client()
    response = visitor.get(reverse("badges:assertion", args=[award.uuid]))
    assert response.status_code == 200
    assertion = json.loads(response.content)
    # A verifier who is given the earner's email still matches the hash; we no longer hold the email.
    expected = "sha256$" + hashlib.sha256(("learner@example.com" + salt).encode()).hexdigest()
    assert assertion["recipient"] == {"type": "email", "hashed": True, "salt": salt, "identity": expected}
    assert not User.objects.filter(email="learner@example.com").exists()
    baked = visitor.get(reverse("badges:baked", args=[award.uuid]))
    assert baked.status_code == 200
    assert json.loads(Image.open(io.BytesIO(baked.content)).text["openbadges"]) == assertion
    page = visitor.get(award.get_absolute_url())
    html = page.content.decode()
    assert page.status_code == 200
    assert "Earned by <strong>Lee Learner</strong>" in html
    assert "Make private" not in html  # nobody is its owner now


def test_badges_revoked_on_request_answer_gone_with_the_reason(learner, award, django_capture_on_commit_callbacks):
    delete(client_for(learner), django_capture_on_commit_callbacks, badges="revoke")

    award.refresh_from_db()
    assert award.recipient is None and award.is_revoked
    assert (award.recipient_name, award.recipient_identity) == ("", "")
    response = Client().get(reverse("badges:assertion", args=[award.uuid]))
    assert response.status_code == 410
    assert json.loads(response.content) == {
        "@context": "https://w3id.org/openbadges/v2",
        "id": "http://127.0.0.1:8000" + reverse("badges:assertion", args=[award.uuid]),
        "type": "Assertion",
        "revoked": True,
        "revocationReason": WITHDRAWN_REASON,
    }
    page = Client().get(award.get_absolute_url())
    assert page.status_code == 410
    assert "Lee Learner" not in page.content.decode()


def test_a_user_deleted_in_the_admin_keeps_their_badges_verifiable(learner, award, admin_user):
    admin = client_for(admin_user)
    response = admin.post(reverse("admin:accounts_user_delete", args=[learner.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not User.objects.filter(pk=learner.pk).exists()
    assert Client().get(reverse("badges:assertion", args=[award.uuid])).status_code == 200
    assert Award.objects.get(pk=award.pk).recipient_name == "Lee Learner"


def test_peers_replies_survive_the_deletion_of_the_account(learner, entry, peer, django_capture_on_commit_callbacks):  # noqa: F811
    # Lee's entry is Lee's; Olive's entry is where Lee talked with others.
    olive_entry = gallery.publish_entry(
        get_or_create_portfolio(Enrollment.objects.get(user=peer)),
        title="Olive’s zine plan", summary="A zine.", critical_evaluation="It went well.",
    )
    question = gallery.post_comment(olive_entry, learner, "How many copies will you print?")
    answer = gallery.post_comment(olive_entry, peer, "Two hundred, to start.", parent=question)
    lone = gallery.post_comment(olive_entry, learner, "Great colours.")
    gallery.post_comment(olive_entry, peer, "Thanks, everyone.")
    mine = gallery.post_comment(olive_entry, learner, "Count me in for one.", parent=question)

    delete(client_for(learner), django_capture_on_commit_callbacks, badges="keep")

    question.refresh_from_db()
    assert (question.is_deleted, question.author_id, question.body) == (True, None, "")
    assert Comment.objects.filter(pk=answer.pk).exists()
    assert not Comment.objects.filter(pk__in=[lone.pk, mine.pk]).exists()
    html = client_for(peer).get(olive_entry.get_absolute_url()).content.decode()
    assert "The author deleted this comment." in html
    assert "Two hundred, to start." in html and "Thanks, everyone." in html
    assert "How many copies" not in html and "Great colours." not in html and "Lee Learner" not in html
    assert Entry.objects.get(pk=olive_entry.pk).comment_count == 2

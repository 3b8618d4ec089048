"""Unsubscribe links: they expire, say so clearly, and never show whose account they belong to."""

import time
from datetime import timedelta

import pytest
from django.core import mail, signing
from django.test import Client
from django.urls import reverse

from accounts.unsubscribe import LINK_MAX_AGE, TOPICS, unsubscribe_token
from gallery import services
from gallery.tasks import send_gallery_emails
from tests.gallery.conftest import entry, peer, portfolio, worksheets  # noqa: F401 - the fixtures


def token_signed_ago(user, topic: str, age: timedelta) -> str:
    """The link an email sent `age` ago carried: signing.dumps, with the clock read back then."""

    class SignerThen(signing.TimestampSigner):
        def timestamp(self):
            return signing.b62_encode(int(time.time() - age.total_seconds()))

    return SignerThen(salt=TOPICS[topic].salt).sign_object(user.pk)


def test_the_links_work_for_sixty_days():
    assert LINK_MAX_AGE == timedelta(days=60)


def test_a_reminder_link_older_than_sixty_days_is_refused_and_points_to_the_profile(client, learner):
    token = token_signed_ago(learner, "pace-reminders", timedelta(days=61))
    # The address reminders carried before this change, and the one they carry now.
    for url in (reverse("learn:unsubscribe", args=[token]), reverse("accounts:unsubscribe", args=["pace-reminders", token])):
        response = client.post(url)
        html = response.content.decode()
        assert response.status_code == 410
        assert "This link has expired" in html
        assert "work for 60 days" in html
        assert f'href="{reverse("accounts:profile")}"' in html
        assert "email me a weekly reminder when I fall behind my recommended schedule" in html
    learner.refresh_from_db()
    assert learner.wants_pace_reminders is True


def test_a_reminder_link_from_fifty_nine_days_ago_still_works(client, learner):
    token = token_signed_ago(learner, "pace-reminders", timedelta(days=59))
    response = client.post(reverse("learn:unsubscribe", args=[token]))
    assert response.status_code == 200
    learner.refresh_from_db()
    assert learner.wants_pace_reminders is False


@pytest.mark.parametrize("topic", ["pace-reminders", "gallery", "course-emails"])
def test_the_unsubscribe_pages_do_not_print_the_email_or_the_name(client, learner, topic):
    url = reverse("accounts:unsubscribe", args=[topic, unsubscribe_token(learner, topic)])
    expired = reverse("accounts:unsubscribe", args=[topic, token_signed_ago(learner, topic, timedelta(days=90))])
    pages = [client.get(url), client.post(url), client.get(expired)]
    assert [page.status_code for page in pages] == [200, 200, 410]
    for page in pages:
        html = page.content.decode()
        assert learner.email not in html
        assert "learner@" not in html
        assert learner.public_name not in html


def test_the_old_reminder_address_does_not_print_the_email(client, learner):
    html = client.get(reverse("learn:unsubscribe", args=[unsubscribe_token(learner, "pace-reminders")])).content.decode()
    assert "Stop pace reminders?" in html
    assert learner.email not in html


def test_the_gallery_digest_carries_a_one_click_link_that_stops_gallery_emails(entry, learner, peer):  # noqa: F811
    services.post_comment(entry, peer, "Lovely work")
    assert send_gallery_emails(learner.pk) == 1
    message = mail.outbox[0]
    url = reverse("accounts:unsubscribe", args=["gallery", unsubscribe_token(learner, "gallery")])
    assert url in message.body
    assert url in message.alternatives[0][0]
    assert message.extra_headers["List-Unsubscribe"].endswith(url + ">")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # The mail client's one-click button: a POST without a CSRF token.
    assert Client(enforce_csrf_checks=True).post(url, {"List-Unsubscribe": "One-Click"}).status_code == 200
    learner.refresh_from_db()
    assert learner.wants_gallery_emails is False
    assert learner.wants_pace_reminders is True  # only the emails the link was for
    services.post_comment(entry, peer, "Another thought")
    assert send_gallery_emails(learner.pk) == 0


def test_a_link_for_one_kind_of_email_does_not_stop_another(client, learner):
    token = unsubscribe_token(learner, "pace-reminders")
    response = client.post(reverse("accounts:unsubscribe", args=["gallery", token]))
    assert response.status_code == 404
    learner.refresh_from_db()
    assert learner.wants_gallery_emails is True


def test_an_announcements_one_click_link_stops_the_instructors_emails_and_no_others(learner, course, enrollment):
    from courses.announcements import email_batch, plan_deliveries
    from courses.models import Announcement

    announcement = Announcement.objects.create(course=course, title="Welcome", body="Hello.")
    [batch] = plan_deliveries(announcement.pk)
    assert email_batch(announcement.pk, batch) == 1
    message = mail.outbox[0]
    url = reverse("accounts:unsubscribe", args=["course-emails", unsubscribe_token(learner, "course-emails")])
    assert url in message.body and url in message.alternatives[0][0]
    assert message.extra_headers["List-Unsubscribe"].endswith(url + ">")
    assert Client(enforce_csrf_checks=True).post(url, {"List-Unsubscribe": "One-Click"}).status_code == 200
    learner.refresh_from_db()
    assert learner.wants_course_emails is False
    assert learner.wants_gallery_emails is True and learner.wants_pace_reminders is True
    later = Announcement.objects.create(course=course, title="Next week", body="Session 2 opens.")
    assert plan_deliveries(later.pk) == []

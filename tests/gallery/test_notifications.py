import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import Notification
from gallery import services
from gallery.models import Comment
from gallery.tasks import send_gallery_emails
from tests import factories
from tests.conftest import wait_for
from tests.gallery.conftest import client_for


def comment_url(entry):
    return reverse("gallery:comment", args=[entry.course.slug, entry.pk])


def test_a_comment_notifies_the_entry_author_on_site(peer_client, entry, learner):
    peer_client.post(comment_url(entry), {"body": "Great plan"})
    note = Notification.objects.get(user=learner)
    assert note.kind == Notification.Kind.COMMENT
    assert note.text == "Olive Other commented on your gallery entry “Lee’s illustrator network”."
    assert note.url == Comment.objects.get().get_absolute_url()
    html = client_for(learner).get(reverse("accounts:notifications")).content.decode()
    assert "Olive Other commented on your gallery entry" in html
    assert '<span class="count">1<span class="visually-hidden"> unread</span></span>' in html


def test_a_reply_notifies_the_comment_author_and_not_the_replier(peer_client, entry, learner, peer):
    top = services.post_comment(entry, peer, "Question?")
    Notification.objects.all().delete()
    client_for(learner).post(comment_url(entry), {"body": "Answer!", "parent": top.pk})
    notes = list(Notification.objects.all())
    assert [(n.user, n.kind) for n in notes] == [(peer, Notification.Kind.REPLY)]
    assert notes[0].text == "Lee Learner replied to your comment on “Lee’s illustrator network”."


def test_a_reply_by_a_third_person_notifies_both_the_comment_author_and_the_entry_author(entry, learner, peer, user_factory, course):
    third = user_factory(display_name="Tess Third")
    factories.enroll(third, course)
    top = services.post_comment(entry, peer, "Question?")
    Notification.objects.all().delete()
    services.post_comment(entry, third, "Me too", parent=top)
    kinds = {n.user: n.kind for n in Notification.objects.all()}
    assert kinds == {peer: Notification.Kind.REPLY, learner: Notification.Kind.COMMENT}


def test_commenting_on_your_own_entry_notifies_nobody(author_client, entry):
    author_client.post(comment_url(entry), {"body": "Note to self"})
    assert not Notification.objects.exists()


def test_a_burst_of_comments_sends_one_email_listing_all_of_them(peer_client, entry, learner, django_capture_on_commit_callbacks, settings):
    settings.SITE_URL = "https://atelier.example"
    with django_capture_on_commit_callbacks() as callbacks:
        for n in range(4):
            peer_client.post(comment_url(entry), {"body": f"Thought {n}"})
    assert mail.outbox == []  # nothing is sent while the burst is on
    # The batching window ends: the scheduled callbacks run (tasks are eager here).
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [learner.email]
    assert message.subject == "4 new comments and replies in the Atelier gallery"
    assert message.body.count("Olive Other commented on your gallery entry") == 4
    assert "https://atelier.example/gallery/micro-influence/" in message.body
    assert "https://atelier.example/profile/" in message.body
    html = message.alternatives[0][0]
    assert "Olive Other commented on your gallery entry" in html
    assert Notification.objects.filter(user=learner, emailed_at__isnull=True).count() == 0


def test_the_digest_is_idempotent(entry, learner, peer):
    services.post_comment(entry, peer, "Once")
    assert send_gallery_emails(learner.pk) == 1
    assert send_gallery_emails(learner.pk) == 0
    assert len(mail.outbox) == 1


def test_notifications_read_on_site_are_not_emailed(entry, learner, peer):
    services.post_comment(entry, peer, "Seen already")
    Notification.objects.update(read_at="2026-01-01T00:00:00Z")
    assert send_gallery_emails(learner.pk) == 0
    assert mail.outbox == []


def test_a_learner_who_turned_gallery_emails_off_gets_none_but_still_sees_notifications(entry, learner, peer, django_capture_on_commit_callbacks):
    learner.wants_gallery_emails = False
    learner.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.post_comment(entry, peer, "Hello")
    assert send_gallery_emails(learner.pk) == 0
    assert mail.outbox == []
    assert Notification.objects.filter(user=learner).count() == 1


def test_an_email_that_fails_to_send_is_retried_with_the_same_notifications(entry, learner, peer, settings):
    services.post_comment(entry, peer, "Hello")
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 1  # nothing listens there
    with pytest.raises(OSError):
        services.send_gallery_digest(learner.pk)
    assert Notification.objects.get(user=learner).emailed_at is None
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert services.send_gallery_digest(learner.pk) == 1


@pytest.mark.redis
def test_a_burst_through_the_real_worker_sends_one_email(celery_worker, entry, learner, peer, monkeypatch):
    """Celery on Redis runs the digest after its countdown; four comments make one email."""
    monkeypatch.setattr(services, "EMAIL_BATCH_SECONDS", 2)
    for n in range(4):
        services.post_comment(entry, peer, f"Thought {n}")  # transactional test: commits at once
    wait_for(lambda: not Notification.objects.filter(user=learner, emailed_at__isnull=True).exists(), timeout=30)
    emailed = set(Notification.objects.filter(user=learner).values_list("emailed_at", flat=True))
    assert len(emailed) == 1  # one claim, so one email

    def log():
        return open(celery_worker.log_path).read()

    # The claim comes before the sending: wait until every queued digest has finished.
    wait_for(lambda: log().count("gallery.tasks.send_gallery_emails") >= 8 and "Subject:" in log(), timeout=30)
    assert log().count("Subject: 4 new comments and replies in the Atelier gallery") == 1

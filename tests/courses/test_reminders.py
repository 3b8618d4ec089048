from datetime import timedelta
from smtplib import SMTPRecipientsRefused

import pytest
from django.core import mail
from django.core.mail.backends import locmem
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.unsubscribe import unsubscribe_token
from courses import reminders
from courses.models import Enrollment, Lesson, LessonCompletion
from courses.services import enroll
from courses.tasks import expire_enrollments, send_pace_reminders
from tests import factories


def started_days_ago(enrollment, days: int) -> Enrollment:
    start = timezone.now() - timedelta(days=days)
    Enrollment.objects.filter(pk=enrollment.pk).update(
        started_at=start, recommended_finish_at=start + timedelta(weeks=6), access_expires_at=start + timedelta(days=120)
    )
    enrollment.refresh_from_db()
    return enrollment


@pytest.fixture
def behind(enrollment):
    """Started 15 days ago with nothing done: sessions 1 and 2 are overdue."""
    return started_days_ago(enrollment, 15)


# --- expiry ---------------------------------------------------------------------------------


def test_expire_enrollments_ends_access_and_keeps_progress(enrollment, other_learner, course):
    lesson = Lesson.objects.filter(session__course=course).first()
    LessonCompletion.objects.create(enrollment=enrollment, lesson=lesson)
    Enrollment.objects.filter(pk=enrollment.pk).update(access_expires_at=timezone.now() - timedelta(minutes=1))
    fresh = factories.enroll(other_learner, course)
    assert expire_enrollments() == 1
    assert expire_enrollments() == 0  # idempotent
    enrollment.refresh_from_db()
    fresh.refresh_from_db()
    assert enrollment.status == Enrollment.Status.EXPIRED
    assert enrollment.completions.count() == 1
    assert fresh.status == Enrollment.Status.ACTIVE


# --- reminders ------------------------------------------------------------------------------


def test_a_learner_behind_schedule_gets_a_reminder_with_an_unsubscribe_link(behind, learner):
    assert send_pace_reminders() == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [learner.email]
    assert "2 sessions behind" in message.subject
    assert "session 1 by" in message.body and "session 2 by" in message.body
    unsubscribe = reverse("accounts:unsubscribe", args=["pace-reminders", unsubscribe_token(learner, "pace-reminders")])
    assert unsubscribe in message.body
    assert unsubscribe in message.alternatives[0][0]
    assert message.extra_headers["List-Unsubscribe"].endswith(unsubscribe + ">")
    behind.refresh_from_db()
    assert behind.last_reminder_at is not None


def test_a_learner_on_track_gets_no_reminder(enrollment, course):
    on_track = started_days_ago(enrollment, 9)  # session 1 was due on day 7 ...
    for lesson in Lesson.objects.filter(session__course=course, session__number=1):
        LessonCompletion.objects.create(enrollment=on_track, lesson=lesson)  # ... and is done
    assert send_pace_reminders() == 0
    assert mail.outbox == []


def test_a_new_learner_gets_no_reminder(enrollment):
    assert send_pace_reminders() == 0
    assert mail.outbox == []


def test_reminders_are_not_sent_twice_in_a_week(behind):
    assert send_pace_reminders() == 1
    assert send_pace_reminders() == 0
    Enrollment.objects.filter(pk=behind.pk).update(last_reminder_at=timezone.now() - timedelta(days=3))
    assert send_pace_reminders() == 0
    Enrollment.objects.filter(pk=behind.pk).update(last_reminder_at=timezone.now() - timedelta(days=7))
    assert send_pace_reminders() == 1
    assert len(mail.outbox) == 2


def test_learners_who_turned_reminders_off_get_none(behind, learner):
    learner.wants_pace_reminders = False
    learner.save()
    assert send_pace_reminders() == 0


def test_expired_withdrawn_and_future_enrollments_get_no_reminder(behind, other_learner, course):
    Enrollment.objects.filter(pk=behind.pk).update(status=Enrollment.Status.WITHDRAWN)
    future = factories.make_future_offering(course, days=5)
    enroll(other_learner, course, future)
    assert send_pace_reminders() == 0


def test_the_unsubscribe_link_asks_then_stops_reminders_without_login(client, behind, learner):
    url = reverse("accounts:unsubscribe", args=["pace-reminders", unsubscribe_token(learner, "pace-reminders")])
    page = client.get(url)
    assert page.status_code == 200
    assert "Stop pace reminders?" in page.content.decode()
    learner.refresh_from_db()
    assert learner.wants_pace_reminders is True  # a GET (a link scanner) changes nothing
    done = client.post(url)
    assert "You will not get pace reminders any more" in done.content.decode()
    learner.refresh_from_db()
    assert learner.wants_pace_reminders is False
    assert send_pace_reminders() == 0


def test_the_unsubscribe_form_posts_with_csrf_when_enforced(behind, learner):
    client = Client(enforce_csrf_checks=True)
    url = reverse("accounts:unsubscribe", args=["pace-reminders", unsubscribe_token(learner, "pace-reminders")])
    # Mail clients' one-click unsubscribe posts without a CSRF token: the signed URL is the proof.
    assert client.post(url, {"List-Unsubscribe": "One-Click"}).status_code == 200
    learner.refresh_from_db()
    assert learner.wants_pace_reminders is False


def test_a_tampered_unsubscribe_link_is_refused(client, learner):
    token = unsubscribe_token(learner, "pace-reminders")
    response = client.post(reverse("accounts:unsubscribe", args=["pace-reminders", token[:-2] + "xx"]))
    assert response.status_code == 404
    assert "This link does not work" in response.content.decode()
    learner.refresh_from_db()
    assert learner.wants_pace_reminders is True


class RefusesOnce(locmem.EmailBackend):
    """A mail server that refuses the first message to one address, then accepts it."""

    refused = []

    def send_messages(self, messages):
        for message in messages:
            if "refused@example.com" in message.to and "refused@example.com" not in self.refused:
                self.refused.append("refused@example.com")
                raise SMTPRecipientsRefused({"refused@example.com": (450, b"try again later")})
        return super().send_messages(messages)


def test_one_failed_reminder_is_retried_and_the_rest_of_the_run_goes_on(settings, course):
    settings.EMAIL_BACKEND = "tests.courses.test_reminders.RefusesOnce"
    RefusesOnce.refused.clear()
    learners = [factories.make_user(email=email) for email in ("first@example.com", "refused@example.com", "third@example.com")]
    for learner in learners:
        started_days_ago(factories.enroll(learner, course), 15)

    send_pace_reminders()  # the retry runs at once in-process (eager tasks)

    assert RefusesOnce.refused == ["refused@example.com"]
    assert sorted(message.to[0] for message in mail.outbox) == ["first@example.com", "refused@example.com", "third@example.com"]
    assert Enrollment.objects.filter(user__in=learners, last_reminder_at__isnull=False).count() == 3
    send_pace_reminders()
    assert len(mail.outbox) == 3  # and nobody twice


def test_a_reminder_that_cannot_be_sent_gives_its_claim_back(settings, behind, learner):
    settings.EMAIL_BACKEND = "tests.courses.test_reminders.RefusesOnce"
    RefusesOnce.refused.clear()
    learner.email = "refused@example.com"
    learner.save(update_fields=["email"])
    failed = []
    assert reminders.send_pace_reminders(on_failure=failed.append) == 0
    assert failed == [behind.pk]
    behind.refresh_from_db()
    assert behind.last_reminder_at is None  # next week's run (or the retry) can still send it

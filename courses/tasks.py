from smtplib import SMTPException

from celery import shared_task
from django.db import InterfaceError, OperationalError

from accounts.models import Notification
from accounts.services import notify
from courses import announcements, reminders
from courses.models import Enrollment, recompute_enrollment_progress
from courses.signals import progress_recomputed


@shared_task(
    acks_late=True, run_inline_without_broker=True,
    autoretry_for=(OperationalError, InterfaceError), retry_backoff=True, retry_backoff_max=300, max_retries=8,
)
def recompute_progress(enrollment_id: int) -> int | None:
    """Recompute stored progress for one enrollment, then let badges evaluate.

    Idempotent and safe concurrently: recompute_enrollment_progress locks the row and
    overwrites its output from the completions. A database that is briefly away is retried with
    backoff; a job lost altogether is caught by reconcile_progress.
    """
    enrollment = recompute_enrollment_progress(enrollment_id)
    if enrollment is None:
        return None
    if enrollment.reopened_by:
        tell_about_new_lessons(enrollment, enrollment.reopened_by)
    progress_recomputed.send(sender=Enrollment, user_id=enrollment.user_id, course_id=enrollment.course_id)
    return enrollment.progress_percent


def tell_about_new_lessons(enrollment: Enrollment, lessons: list) -> None:
    """A learner who had finished hears which required lessons the course gained, rather than
    finding their 100% quietly turned into 96%."""
    titles = ", ".join(f"“{lesson.title}”" for lesson in lessons[:3]) + (" and more" if len(lessons) > 3 else "")
    count = len(lessons)
    text = (
        f"{enrollment.course.title} has {count} new required lesson{'s' if count != 1 else ''} since you finished: {titles}. "
        "Everything you did before is kept."
    )
    notify(enrollment.user, Notification.Kind.COURSE, text, url=lessons[0].get_absolute_url())


@shared_task(acks_late=True)
def reconcile_progress(course_id: int | None = None, limit: int = 2000) -> int:
    """Every few minutes (beat), and when a course's required lessons change: recompute every
    enrollment whose stored progress disagrees with its completions; returns how many.

    Idempotent (each recompute overwrites from the completions); a run does at most `limit`, the
    next run the rest. Badges re-evaluate from the recomputed figures (progress_recomputed).
    """
    stale = Enrollment.objects.with_stale_progress()
    if course_id is not None:
        stale = stale.filter(course_id=course_id)
    ids = list(stale.order_by("pk").values_list("pk", flat=True)[:limit])
    for enrollment_id in ids:
        recompute_progress(enrollment_id)
    return len(ids)


@shared_task(acks_late=True)
def expire_enrollments() -> int:
    """Daily: active enrollments past their access date become expired (read-only, progress kept)."""
    return Enrollment.objects.due_to_expire().update(status=Enrollment.Status.EXPIRED)


@shared_task(acks_late=True)
def send_pace_reminders() -> int:
    """Weekly: email learners who are behind their recommended schedule; returns how many were sent.

    Idempotent: send_pace_reminder claims each enrollment through last_reminder_at, so a second
    run in the same week sends nothing.
    """
    return reminders.send_pace_reminders(on_failure=lambda pk: send_pace_reminder.apply_async((pk,), countdown=60))


@shared_task(acks_late=True, autoretry_for=(SMTPException, OSError), retry_backoff=60, retry_backoff_max=3600, max_retries=6)
def send_pace_reminder(enrollment_id: int) -> bool:
    """One learner's reminder after the weekly run could not send it (idempotent: the same claim)."""
    return reminders.remind(enrollment_id)


@shared_task(acks_late=True)
def send_announcement(announcement_id: int) -> int:
    """Queue the announcement's emails in batches; returns how many batches. Idempotent: only
    deliveries not yet emailed are queued (courses.announcements.plan_deliveries)."""
    batches = announcements.plan_deliveries(announcement_id)
    for delivery_ids in batches:
        send_announcement_batch.delay(announcement_id, delivery_ids)
    return len(batches)


@shared_task(acks_late=True, autoretry_for=(SMTPException, OSError), retry_backoff=True, retry_backoff_max=600, max_retries=6)
def send_announcement_batch(announcement_id: int, delivery_ids: list[int]) -> int:
    """Email one batch of an announcement (idempotent: each learner's delivery row is claimed)."""
    return announcements.email_batch(announcement_id, delivery_ids)

"""Weekly pace reminders for learners who fall behind their recommended schedule.

Kept apart from courses/services.py so that imports run one way: the services enqueue tasks,
and the weekly task calls this module.
"""

import logging
from datetime import datetime, timedelta
from smtplib import SMTPException

from django.conf import settings
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone

from accounts.unsubscribe import unsubscribe_headers, unsubscribe_url
from core.emails import send_templated_email
from courses.models import Enrollment, LessonCompletion
from courses.progress import CourseProgress

# A little under a week, so a weekly job that runs a few minutes early does not skip a week.
REMINDER_INTERVAL = timedelta(days=6)

logger = logging.getLogger(__name__)


def candidates(now: datetime):
    return (
        Enrollment.objects.active()
        .filter(user__wants_pace_reminders=True, access_expires_at__gt=now, started_at__lte=now)
        .exclude(last_reminder_at__gt=now - REMINDER_INTERVAL)
        .select_related("user", "course", "offering")
        .prefetch_related(Prefetch("completions", queryset=LessonCompletion.objects.only("pk", "enrollment_id", "lesson_id")))
        .order_by("pk")
    )


def send_pace_reminders(now: datetime | None = None, on_failure=None) -> int:
    """Email every learner who is behind and was not reminded this week; returns how many were sent.

    Sessions and lessons are fetched once per course, completions with the enrollments. An email
    that fails (the mail server refuses it, the connection drops) does not stop the run: the
    learner's claim is given back and `on_failure(enrollment_id)` is called (the weekly task
    queues a retry with backoff), and the run goes on to the next learner.
    """
    now = now or timezone.now()
    sessions_by_course: dict[int, list] = {}
    sent = 0
    for enrollment in candidates(now).iterator(chunk_size=500):
        if enrollment.course_id not in sessions_by_course:
            sessions_by_course[enrollment.course_id] = list(enrollment.course.sessions_with_lessons())
        done_ids = {completion.lesson_id for completion in enrollment.completions.all()}
        progress = CourseProgress(enrollment, sessions_by_course[enrollment.course_id], done_ids, now=now)
        try:
            sent += send_pace_reminder(enrollment, progress, now=now)
        except (SMTPException, OSError):
            logger.exception("Pace reminder to enrollment %s failed; it will be retried", enrollment.pk)
            if on_failure is not None:
                on_failure(enrollment.pk)
    return sent


def remind(enrollment_id: int, now: datetime | None = None) -> bool:
    """Send one learner's reminder if they still qualify (the retry of a failed email)."""
    now = now or timezone.now()
    enrollment = candidates(now).filter(pk=enrollment_id).first()
    if enrollment is None:
        return False
    done_ids = {completion.lesson_id for completion in enrollment.completions.all()}
    progress = CourseProgress(enrollment, list(enrollment.course.sessions_with_lessons()), done_ids, now=now)
    return send_pace_reminder(enrollment, progress, now=now)


def send_pace_reminder(enrollment: Enrollment, progress: CourseProgress, now: datetime | None = None) -> bool:
    """Email one learner who is behind, at most once per REMINDER_INTERVAL; True when sent.

    The claim is a conditional update of last_reminder_at, so two runs of the weekly job
    (or a retry) never send the same learner two reminders.
    """
    now = now or timezone.now()
    user = enrollment.user
    if not user.wants_pace_reminders or not user.email or not progress.is_behind or enrollment.is_read_only:
        return False
    claimed = (
        Enrollment.objects.filter(pk=enrollment.pk, last_reminder_at=enrollment.last_reminder_at)
        .exclude(last_reminder_at__gt=now - REMINDER_INTERVAL)
        .update(last_reminder_at=now)
    )
    if not claimed:
        return False
    unsubscribe = unsubscribe_url(user, "pace-reminders")
    resume = progress.resume_lesson
    context = {
        "user": user,
        "course": enrollment.course,
        "progress": progress,
        "behind": progress.behind_sessions,
        "resume_url": settings.SITE_URL + (resume.get_absolute_url() if resume else reverse("learn:dashboard")),
        "dashboard_url": settings.SITE_URL + reverse("learn:dashboard"),
        "unsubscribe_url": unsubscribe,
    }
    try:
        send_templated_email("pace_reminder", user.email, context, headers=unsubscribe_headers(unsubscribe))
    except Exception:
        # Not sent: give the claim back, so the retry (or next week's run) can send it.
        Enrollment.objects.filter(pk=enrollment.pk, last_reminder_at=now).update(last_reminder_at=enrollment.last_reminder_at)
        raise
    return True

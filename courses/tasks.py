from celery import shared_task
from django.db.models import Prefetch
from django.utils import timezone

from courses.models import Enrollment, LessonCompletion, recompute_enrollment_progress
from courses.signals import progress_recomputed


@shared_task(acks_late=True)
def recompute_progress(enrollment_id: int) -> int | None:
    """Recompute cached progress for one enrollment, then evaluate badges.

    Idempotent and safe concurrently: recompute_enrollment_progress locks the row and
    overwrites its output from the completions.
    """
    enrollment = recompute_enrollment_progress(enrollment_id)
    if enrollment is None:
        return None
    progress_recomputed.send(sender=Enrollment, user_id=enrollment.user_id, course_id=enrollment.course_id)
    return enrollment.progress_percent


@shared_task(acks_late=True)
def expire_enrollments() -> int:
    """Daily: active enrollments past their access date become expired (read-only, progress kept)."""
    from courses.services import expire_due_enrollments

    return expire_due_enrollments()


@shared_task(acks_late=True)
def send_pace_reminders() -> int:
    """Weekly: email learners who are behind their recommended schedule; returns how many were sent.

    Idempotent: send_pace_reminder claims each enrollment through last_reminder_at, so a second
    run in the same week sends nothing. Sessions and lessons are fetched once per course.
    """
    from courses.progress import CourseProgress
    from courses.services import REMINDER_INTERVAL, send_pace_reminder

    now = timezone.now()
    candidates = (
        Enrollment.objects.active()
        .filter(user__wants_pace_reminders=True, access_expires_at__gt=now, started_at__lte=now)
        .exclude(last_reminder_at__gt=now - REMINDER_INTERVAL)
        .select_related("user", "course", "offering")
        .prefetch_related(Prefetch("completions", queryset=LessonCompletion.objects.only("pk", "enrollment_id", "lesson_id")))
        .order_by("pk")
    )
    sessions_by_course: dict[int, list] = {}
    sent = 0
    for enrollment in candidates.iterator(chunk_size=500):
        if enrollment.course_id not in sessions_by_course:
            sessions_by_course[enrollment.course_id] = list(enrollment.course.sessions_with_lessons())
        done_ids = {completion.lesson_id for completion in enrollment.completions.all()}
        progress = CourseProgress(enrollment, sessions_by_course[enrollment.course_id], done_ids, now=now)
        sent += send_pace_reminder(enrollment, progress, now=now)
    return sent

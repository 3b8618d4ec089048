from celery import shared_task

from courses.models import recompute_enrollment_progress


@shared_task(acks_late=True)
def recompute_progress(enrollment_id: int) -> int | None:
    """Recompute cached progress for one enrollment, then evaluate badges."""
    enrollment = recompute_enrollment_progress(enrollment_id)
    if enrollment is None:
        return None
    from badges.services import queue_badge_evaluation

    queue_badge_evaluation(enrollment.user_id, enrollment.course_id)
    return enrollment.progress_percent

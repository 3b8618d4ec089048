from celery import shared_task

from badges import services
from badges.models import Award, BadgeClass
from courses.models import Enrollment

RECONCILE_CHUNK = 500


@shared_task(acks_late=True, run_inline_without_broker=True)
def evaluate_badges(user_id: int, course_id: int) -> int:
    """Award the badges whose rules now hold; idempotent through the award's unique constraint."""
    return len(services.evaluate_badges_for(user_id, course_id))


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def announce_award(award_id: int) -> None:
    award = Award.objects.select_related("badge", "recipient").filter(pk=award_id, is_revoked=False).first()
    if award is not None:
        services.announce_new_award(award)


@shared_task
def reconcile_awards() -> int:
    """Nightly: re-evaluate every current enrollment in courses with automatic badges.

    Catches awards a lost task missed. Enrollments are read in primary-key chunks so memory stays
    flat, and each one is evaluated by its own task so the work spreads over the workers.
    Returns the number of enrollments queued.
    """
    course_ids = list(
        BadgeClass.objects.active()
        .exclude(rule=BadgeClass.Rule.MANUAL)
        .exclude(course=None)
        .values_list("course_id", flat=True)
        .distinct()
    )
    enrollments = Enrollment.objects.current().filter(course_id__in=course_ids).order_by("pk")
    queued = 0
    last_pk = 0
    while True:
        chunk = list(enrollments.filter(pk__gt=last_pk).values_list("pk", "user_id", "course_id")[:RECONCILE_CHUNK])
        if not chunk:
            return queued
        for _, user_id, course_id in chunk:
            evaluate_badges.delay(user_id, course_id)
        queued += len(chunk)
        last_pk = chunk[-1][0]

from celery import shared_task

from badges import services
from badges.models import Award, BadgeClass, Certificate
from courses.models import Enrollment
from portfolios.models import WithPdf

RECONCILE_CHUNK = 500


@shared_task(acks_late=True, run_inline_without_broker=True)
def evaluate_badges(user_id: int, course_id: int) -> int:
    """Award the badges whose rules now hold, then the certificate once the course is complete (after
    the course-completion badge, which it links to); idempotent through both unique constraints."""
    awarded = services.evaluate_badges_for(user_id, course_id)
    services.issue_certificate_if_complete(user_id, course_id)
    return len(awarded)


@shared_task(acks_late=True, soft_time_limit=WithPdf.RENDER_TIME_LIMIT - 30, time_limit=WithPdf.RENDER_TIME_LIMIT)
def render_certificate_pdf(certificate_id: int) -> str:
    """Idempotent: the rendering claim (WithPdf.start_pdf_render) lets one delivery render."""
    certificate = Certificate.objects.select_related("enrollment__course", "enrollment__user").filter(pk=certificate_id).first()
    return services.render_certificate_pdf(certificate) if certificate else "gone"


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

"""Emailing an announcement to the learners it reaches, in batches, each learner once.

Kept apart from courses/services.py so that imports run one way: the services enqueue the task,
and the task calls this module (as courses/reminders.py does for pace reminders).
"""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from accounts.unsubscribe import unsubscribe_headers, unsubscribe_url
from core.emails import send_templated_email
from courses.models import Announcement, AnnouncementDelivery

# Learners per email task: a failure retries one batch, not the whole course.
BATCH_SIZE = 100


def plan_deliveries(announcement_id: int) -> list[list[int]]:
    """Write a delivery row for every learner the announcement reaches who wants emails from their
    instructors (User.wants_course_emails), and return the ids of those not yet emailed, in
    batches. Running it again adds only learners who were missing (the unique constraint) and
    returns only what is still unsent, so a repeated job sends nobody twice."""
    announcement = Announcement.objects.filter(pk=announcement_id).first()
    if announcement is None:
        return []
    user_ids = announcement.audience().filter(user__wants_course_emails=True, user__is_active=True).values_list("user_id", flat=True)
    AnnouncementDelivery.objects.bulk_create(
        [AnnouncementDelivery(announcement=announcement, user_id=user_id) for user_id in user_ids.iterator()],
        ignore_conflicts=True,
        batch_size=1000,
    )
    pending = list(
        AnnouncementDelivery.objects.filter(announcement=announcement, emailed_at__isnull=True).order_by("pk").values_list("pk", flat=True)
    )
    return [pending[i : i + BATCH_SIZE] for i in range(0, len(pending), BATCH_SIZE)]


def email_batch(announcement_id: int, delivery_ids: list[int]) -> int:
    """Email one batch; returns how many were sent. Each learner's row is claimed (a conditional
    update of emailed_at) before their email goes, and given back if it fails, so a retried batch
    sends only what it did not send before."""
    announcement = Announcement.objects.select_related("course", "offering").filter(pk=announcement_id).first()
    if announcement is None:
        return 0
    deliveries = (
        AnnouncementDelivery.objects.filter(announcement=announcement, pk__in=delivery_ids, emailed_at__isnull=True)
        .select_related("user")
        .order_by("pk")
    )
    course_url = settings.SITE_URL + reverse("learn:outline", args=[announcement.course.slug])
    sent = 0
    for delivery in deliveries:
        user = delivery.user
        if not (user.wants_course_emails and user.email):
            continue
        if not AnnouncementDelivery.objects.filter(pk=delivery.pk, emailed_at__isnull=True).update(emailed_at=timezone.now()):
            continue
        unsubscribe = unsubscribe_url(user, "course-emails")
        context = {"user": user, "announcement": announcement, "course": announcement.course, "course_url": course_url,
                   "unsubscribe_url": unsubscribe}
        try:
            send_templated_email("announcement", user.email, context, headers=unsubscribe_headers(unsubscribe))
        except Exception:
            AnnouncementDelivery.objects.filter(pk=delivery.pk).update(emailed_at=None)
            raise
        sent += 1
    return sent

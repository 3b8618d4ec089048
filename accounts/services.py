"""Account-level operations other apps call: on-site notifications."""

from django.db import transaction
from django.db.models import F

from accounts.models import Notification, User


def notify(user: User, kind: str, text: str, url: str = "") -> Notification:
    """Create an on-site notification (shown in the header count and /notifications/)."""
    with transaction.atomic():
        notification = Notification.objects.create(user=user, kind=kind, text=text[:300], url=url)
        User.objects.filter(pk=user.pk).update(unread_notifications=F("unread_notifications") + 1)
    return notification

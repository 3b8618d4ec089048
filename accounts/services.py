"""Account-level operations other apps call: on-site notifications."""

from accounts.models import Notification, User


def notify(user: User, kind: str, text: str, url: str = "") -> Notification:
    """Create an on-site notification (shown in the header count and /notifications/)."""
    return Notification.objects.create(user=user, kind=kind, text=text[:300], url=url)

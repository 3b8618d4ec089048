from functools import cache

from accounts.models import Notification


def header(request):
    """The header's unread notification count: one query, run only if the header renders it.

    A callable, which templates call when they print it; it remembers its answer, so the header
    asking twice (is there any? how many?) still makes one query.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    @cache
    def unread_notifications() -> int:
        # The backends read it with the user (accounts/backends.py); a user set some other way
        # (a test's RequestFactory) costs a query.
        count = getattr(user, "unread_count", None)
        return Notification.objects.for_user(user).unread().count() if count is None else count

    return {"unread_notifications": unread_notifications}

from accounts.models import Notification


def header(request):
    """The unread notification count shown in the header (from the cache, or one query; only when logged in)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def unread():
        # Read with the user by the cached-user backend when the cache had it (accounts/backends.py).
        count = getattr(user, "cached_unread_count", None)
        return Notification.objects.unread_count(user.pk) if count is None else count

    # A callable: the query runs only if the template renders the header.
    return {"unread_notifications": unread}

from accounts.models import Notification


def header(request):
    """The unread notification count shown in the header (from the cache, or one query; only when logged in)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def unread():
        return Notification.objects.unread_count(user.pk)

    # A callable: the query runs only if the template renders the header.
    return {"unread_notifications": unread}

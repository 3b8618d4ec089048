"""Per-request settings that come from the signed-in person."""

from django.contrib.auth.middleware import get_user
from django.utils import timezone
from django.utils.functional import SimpleLazyObject


class TimeZoneMiddleware:
    """Show dates and times in the learner's own time zone (User.time_zone, detected by their browser).

    The zone is activated when the request first loads its user, not up front: a response that never
    looks at the user (a health check, a static-like view) then costs no session or user query. Every
    page that shows a date for a person has loaded them by then (login_required, the header).
    Reset afterwards, so a worker thread never carries one person's zone into the next request;
    anonymous visitors and people whose zone is not known yet see the server's.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if hasattr(request, "user"):
            request.user = SimpleLazyObject(lambda: _activate_zone_of(get_user(request)))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


def _activate_zone_of(user):
    if user.is_authenticated:
        timezone.activate(user.zone)  # the site's zone when theirs is unknown or no longer valid
    return user

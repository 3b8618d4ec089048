"""Per-request settings that come from the signed-in person."""

import zoneinfo

from django.utils import timezone


class TimeZoneMiddleware:
    """Show dates and times in the learner's own time zone (User.time_zone, detected by their browser).

    Activated per request and reset afterwards, so a worker thread never carries one person's zone
    into the next request; anonymous visitors and people whose zone is not known yet see the server's.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        name = getattr(user, "time_zone", "") if user is not None and user.is_authenticated else ""
        if name:
            try:
                timezone.activate(zoneinfo.ZoneInfo(name))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()

"""Throttles: how often one person may do a thing, counted in fixed windows in the shared cache.

Fixed windows in the shared cache (Redis in production) hold across every web process. Each count
is a cache key `<action>:<user id>:<window seconds>:<window number>` that expires with its window
(core/cache.py lists them). Gallery comments (gallery.services.check_comment_rate) and uploads
(check_upload_rate) are counted here.
"""

import time

from django.core.cache import cache
from django.core.exceptions import ValidationError

# Image uploads per person, of every kind together (answer images, avatars, covers): a burst of
# 10 in a minute, 60 in an hour. Each one is decoded, so a flood is work for the server.
UPLOAD_LIMITS = ((60, 10), (3600, 60))


def seconds_to_wait(action: str, user_id: int, limits) -> int:
    """Count one `action` by the user against each (window in seconds, most allowed in it); 0 while
    within every limit, else the seconds until the window that is over its limit ends."""
    now = int(time.time())
    for window, limit in limits:
        key = f"{action}:{user_id}:{window}:{now // window}"
        cache.add(key, 0, timeout=window + 5)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=window + 5)
            count = 1
        if count > limit:
            return window - now % window
    return 0


def wait_text(seconds: int) -> str:
    """How long to wait as a message says it: "a minute" or "N minutes"."""
    return "a minute" if seconds <= 60 else f"{max(1, round(seconds / 60))} minutes"


def check_upload_rate(user) -> None:
    """Count one image upload by the user; a ValidationError (code "rate_limited") for the form to
    show when it is over UPLOAD_LIMITS. Called before the upload is decoded."""
    wait = seconds_to_wait("uploads", user.pk, UPLOAD_LIMITS)
    if wait:
        raise ValidationError(
            "You are uploading images faster than we allow (10 a minute, 60 an hour). "
            f"Please try this image again in {wait_text(wait)}; everything else you entered is kept.",
            code="rate_limited",
        )

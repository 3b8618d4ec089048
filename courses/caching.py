"""Course content that is the same for every learner, cached under the course's version.

Keys come from `core.cache.course_key`, which carries `Course.updated_at`; every edit of the
course's content touches that timestamp (the receivers in courses/apps.py, and those the apps
above connect for their own models), so the next read builds afresh under a new key. Each call
returns its own copy, read from the cache: callers may use it freely, nothing here is shared
between requests.
"""

from django.core.cache import cache
from django.utils import timezone

from core.cache import TIMEOUT, course_key
from courses.models import Course


def sessions_with_lessons(course: Course) -> list:
    """The course's sessions in order, each with its lessons (Course.sessions_with_lessons)."""
    return cache.get_or_set(course_key(course, "sessions"), lambda: list(course.sessions_with_lessons()), TIMEOUT)


def course_offerings(course: Course) -> list:
    """The course's active offerings by start date.

    Whether one takes enrollments right now depends on the time, so callers filter with
    Offering.is_open (the same test as open_now()).
    """
    return cache.get_or_set(
        course_key(course, "offerings"),
        lambda: list(course.offerings.filter(is_active=True).order_by("starts_on", "pk")),
        TIMEOUT,
    )


def open_offerings(course: Course) -> list:
    """The offerings open for enrollment now, as `course.offerings.open_now()` would list them."""
    now = timezone.now()
    return [offering for offering in course_offerings(course) if offering.is_open(now)]


def course_worksheets(course: Course) -> list:
    """The course's worksheets in course order, each with its lesson (+session) and prompts.

    Transitional: portfolios reads it until its own copy lands (the lead removes this one).
    """
    return cache.get_or_set(
        course_key(course, "worksheets"),
        lambda: list(course.worksheets.select_related("lesson__session").prefetch_related("prompts")),
        TIMEOUT,
    )


def shared(key: str, build):
    """Transitional: badges and portfolios still call it; their own branches replace it with
    `cache.get_or_set` (the lead removes this one)."""
    return cache.get_or_set(key, build, TIMEOUT)

"""Course content that is the same for every learner, cached under the course's version.

Keys come from `core.cache.course_key`, which carries `Course.updated_at`; every edit of the
course's content touches that timestamp (the receivers in courses/apps.py, and those the apps
above connect for their own models), so the next read builds afresh under a new key. Each call
returns its own copy, read from the cache: callers may use it freely, nothing here is shared
between requests.

Its keys, and the learning pages' fragments, are listed with every other key in core/cache.py.
"""

from django.core.cache import cache
from django.utils import timezone

from core.cache import TIMEOUT, course_key
from courses.models import Announcement, Course


def sessions_with_lessons(course: Course) -> list:
    """The course's sessions in order, each with its lessons (Course.sessions_with_lessons)."""
    def build():
        sessions = course.sessions_with_lessons()
        for session in sessions:  # the URLs are part of the stored copy: no reverse() per page
            session.url  # noqa: B018 - a cached_property: reading it stores the URL in the copy
            for lesson in session.lessons.all():
                lesson.url  # noqa: B018 - likewise
        return sessions

    return cache.get_or_set(course_key(course, "sessions"), build, TIMEOUT)


def outline_counts(course: Course) -> tuple[int, int]:
    """The course's number of sessions and of lessons, as the course page prints them."""

    def build():
        sessions = sessions_with_lessons(course)
        return len(sessions), sum(len(session.lessons.all()) for session in sessions)

    return cache.get_or_set(course_key(course, "counts"), build, TIMEOUT)


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



# The newest announcements on a learner's outline; older ones stay in their email.
ANNOUNCEMENTS_SHOWN = 3


def course_announcements(course: Course, offering_id: int) -> list:
    """The newest announcements to the learners of one offering (Announcement.objects.for_enrollment),
    shared by all of them; an announcement saved or deleted touches the course (courses/apps.py)."""
    return cache.get_or_set(
        course_key(course, f"announcements:{offering_id}"),
        lambda: list(Announcement.objects.filter(course=course).for_offering(offering_id)[:ANNOUNCEMENTS_SHOWN]),
        TIMEOUT,
    )

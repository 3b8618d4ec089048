"""Course content that is the same for every learner, cached under the course's version.

Keys come from `core.cache.course_key`, which carries `Course.updated_at`; every edit of the
course's content touches that timestamp (the receivers in courses/apps.py, and those the apps
above connect for their own models), so the next read builds afresh under a new key. Each call
returns its own copy, read from the cache: callers may use it freely, nothing here is shared
between requests.

Key of its own (to be listed in the core/cache.py docstring too):
- `course_key(course, "counts")`: the number of sessions and of lessons, plain integers for the
  course page's facts (it unpickles no session); the course is touched.

Template fragments of the learning pages (to be listed in the core/cache.py docstring too):
- fragment `session-lessons` (session.pk, course.updated_at, SessionProgress.lessons_state, the
  current lesson's pk; templates/courses/includes/session_lessons.html): a session's lesson list
  with its done marks, as every learner at the same place in that session sees it; the course is
  touched, or the learner's done lessons or the session's lock change (a new key).
- fragment `outline-session` (session.pk, course.updated_at, SessionProgress.lessons_state, its
  status and due date; templates/courses/enrollment_outline.html): a session's card on the
  outline (counts, finish-by date, progress and the lesson list), shared by the learners at the
  same place in that session with the same due date; any of those changes (a new key), or the
  course is touched.
- fragment `schedule` (course.pk, course.updated_at, CourseProgress.schedule_state;
  templates/courses/includes/schedule.html): the schedule table, shared by learners with the
  same dates, statuses and counts; any of those changes (a new key), or the course is touched.
"""

from django.core.cache import cache
from django.utils import timezone

from core.cache import TIMEOUT, course_key
from courses.models import Course


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

"""Caches of course content that is the same for every learner.

Keys carry `Course.updated_at`, and every edit of the course's content (sessions, lessons,
outcomes, staff, badges, worksheets) touches that timestamp (courses/signals.py). A cached
copy is therefore never served after an edit: the next request simply misses and rebuilds.
The course row itself is fetched on every request anyway (with the enrollment), so checking
the version costs no extra query, and the scheme works with any cache backend and any
number of worker processes.

Each process also keeps the values it last used in memory (`_local`, keyed the same way), so
a page of an unchanged course needs neither a cache round trip nor unpickling: an edit
changes the key, and the next request misses here too. Values from these functions are
therefore shared by every request of the process: read them, never change them.
"""

import copy

from django.core.cache import cache
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone

from courses.models import Course, Lesson

TIMEOUT = 24 * 60 * 60  # stale versions simply expire
# Bump when the shape of a cached value changes, so a deploy never reads the old shape.
SCHEMA = 3


# In-process copies, oldest first; a few courses, so a small bound is plenty.
LOCAL_SIZE = 64
_local: dict = {}


def course_key(course: Course, name: str) -> str:
    return f"course:{course.pk}:{name}:v{SCHEMA}:{course.updated_at.timestamp():.6f}"


def shared(key: str, build):
    """The value under `key`: this process's copy, else the cache's, else `build()` (then stored in both)."""
    value = _local.get(key)
    if value is None:
        value = cache.get(key)
        if value is None:
            value = build()
            cache.set(key, value, TIMEOUT)
        while len(_local) >= LOCAL_SIZE:
            try:
                del _local[next(iter(_local))]
            except (KeyError, RuntimeError, StopIteration):  # another thread got there first
                break
        _local[key] = value
    return value


def touch_course(course_id: int | None) -> None:
    """Mark a course's content as changed: every cached copy keyed by its version is dropped."""
    if course_id:
        Course.objects.filter(pk=course_id).update(updated_at=timezone.now())


def sessions_with_lessons(course: Course) -> list:
    """The course's sessions in order, each with its lessons (and their worksheet) prefetched.

    Cached per course version and shared by every request of the process (read only). Each
    session and lesson carries its URL, and each lesson its kind's label, so pages print them
    without reverse() or get_kind_display(); sessions point to a copy of the course as it
    was at this version.
    """

    def build():
        lessons = Lesson.objects.select_related("worksheet").order_by("order", "pk")
        sessions = list(course.sessions.prefetch_related(Prefetch("lessons", queryset=lessons)))
        version = copy.copy(course)  # not the caller's instance: this one is shared
        for session in sessions:
            session.course = version
            session._absolute_url = session.get_absolute_url()
            for lesson in session.lessons.all():
                lesson._absolute_url = lesson.get_absolute_url()
                if hasattr(lesson, "worksheet"):
                    lesson.worksheet.course = version
        return sessions

    return shared(course_key(course, "sessions"), build)


def course_offerings(course: Course) -> list:
    """The course's active offerings (by start date), cached per course version.

    Saving an offering touches the course. Whether one takes enrollments right now depends
    on the time, so callers filter with Offering.is_open (the same test as open_now()).
    """
    return shared(
        course_key(course, "offerings"),
        lambda: list(course.offerings.filter(is_active=True).order_by("starts_on", "pk")),
    )


def open_offerings(course: Course) -> list:
    """The offerings open for enrollment now, as `course.offerings.open_now()` would list them."""
    now = timezone.now()
    return [offering for offering in course_offerings(course) if offering.is_open(now)]


def course_page_body(course: Course) -> dict:
    """The public course page's shared part: outline, outcomes, badges, staff, texts (rendered HTML)."""

    def build():
        sessions = sessions_with_lessons(course)
        context = {
            "course": course,
            "sessions": sessions,
            "lesson_count": sum(len(s.lessons.all()) for s in sessions),
            "outcomes": list(course.outcomes.all()),
            "staff": list(course.staff.all()),
            "badges": list(course.badges.active()),
        }
        return {
            "session_count": len(sessions),
            "lesson_count": context["lesson_count"],
            "html": render_to_string("courses/includes/course_body.html", context),
        }

    return shared(course_key(course, "page-body"), build)


def course_worksheets(course: Course) -> list:
    """The course's worksheets in course order, each with its lesson (+session) and prompts.

    Cached per course version like the outline: saving a worksheet, a prompt or a lesson
    touches the course.
    """
    from portfolios.models import Prompt, Worksheet

    key = course_key(course, "worksheets")
    worksheets = cache.get(key)
    if worksheets is None:
        worksheets = list(
            Worksheet.objects.filter(course_id=course.pk)
            .select_related("lesson__session")
            .prefetch_related(Prefetch("prompts", queryset=Prompt.objects.order_by("order", "pk")))
            .order_by("lesson__session__number", "lesson__order", "pk")
        )
        cache.set(key, worksheets, TIMEOUT)
    for worksheet in worksheets:
        worksheet.course = course
    return worksheets

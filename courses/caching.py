"""Caches of course content that is the same for every learner.

Keys carry `Course.updated_at`, and every edit of the course's content (sessions, lessons,
outcomes, staff, badges, worksheets) touches that timestamp (courses/signals.py). A cached
copy is therefore never served after an edit: the next request simply misses and rebuilds.
The course row itself is fetched on every request anyway (with the enrollment), so checking
the version costs no extra query, and the scheme works with any cache backend and any
number of worker processes.
"""

from django.core.cache import cache
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone

from courses.models import Course, Lesson

TIMEOUT = 24 * 60 * 60  # stale versions simply expire
# Bump when the shape of a cached value changes, so a deploy never reads the old shape.
SCHEMA = 2


def course_key(course: Course, name: str) -> str:
    return f"course:{course.pk}:{name}:v{SCHEMA}:{course.updated_at.timestamp():.6f}"


def touch_course(course_id: int | None) -> None:
    """Mark a course's content as changed: every cached copy keyed by its version is dropped."""
    if course_id:
        Course.objects.filter(pk=course_id).update(updated_at=timezone.now())


def sessions_with_lessons(course: Course) -> list:
    """The course's sessions in order, each with its lessons (and their worksheet) prefetched.

    Cached per course version; callers get their own copies (the cache unpickles), so
    they may annotate them freely.
    """
    key = course_key(course, "sessions")
    sessions = cache.get(key)
    if sessions is None:
        lessons = Lesson.objects.select_related("worksheet").order_by("order", "pk")
        sessions = list(course.sessions.prefetch_related(Prefetch("lessons", queryset=lessons)))
        for session in sessions:
            session.course = course
            for lesson in session.lessons.all():
                lesson._absolute_url = lesson.get_absolute_url()
        cache.set(key, sessions, TIMEOUT)
    for session in sessions:
        # Cached rows point to a copy of the course; the caller's instance is the current one.
        session.course = course
        for lesson in session.lessons.all():
            if hasattr(lesson, "worksheet"):
                lesson.worksheet.course = course
    return sessions


def course_page_body(course: Course) -> dict:
    """The public course page's shared part: outline, outcomes, badges, staff, texts (rendered HTML)."""
    key = course_key(course, "page-body")
    body = cache.get(key)
    if body is None:
        sessions = sessions_with_lessons(course)
        context = {
            "course": course,
            "sessions": sessions,
            "lesson_count": sum(len(s.lessons.all()) for s in sessions),
            "outcomes": list(course.outcomes.all()),
            "staff": list(course.staff.all()),
            "badges": list(course.badges.active()),
        }
        body = {
            "session_count": len(sessions),
            "lesson_count": context["lesson_count"],
            "html": render_to_string("courses/includes/course_body.html", context),
        }
        cache.set(key, body, TIMEOUT)
    return body


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

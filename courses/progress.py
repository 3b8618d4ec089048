"""Where a learner stands in a course: per-session progress, recommended schedule, resume.

Everything is derived in memory from three inputs the views already fetch in a constant
number of queries: the enrollment (with its offering), the course's sessions with their
lessons prefetched, and the set of lesson ids the learner completed. The reminder task
uses the same object, so "behind" means the same thing on the page and in the email.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property

from django.utils import timezone

from courses.caching import sessions_with_lessons
from courses.models import Enrollment, Lesson, LessonCompletion, Session


@dataclass
class SessionProgress:
    session: Session
    lessons: list[Lesson]
    done_ids: set[int]
    release_on: date | None  # scheduled offerings only
    due_on: date | None
    today: date

    @property
    def number(self) -> int:
        return self.session.number

    # Computed once per page: the templates ask for these for every lesson row and schedule cell.
    @cached_property
    def required(self) -> list[Lesson]:
        return [lesson for lesson in self.lessons if lesson.is_required]

    @property
    def total(self) -> int:
        return len(self.required)

    @cached_property
    def completed(self) -> int:
        return sum(1 for lesson in self.required if lesson.pk in self.done_ids)

    @cached_property
    def percent(self) -> int:
        return int(self.completed * 100 / self.total) if self.total else 100

    @cached_property
    def is_complete(self) -> bool:
        return self.completed == self.total

    @cached_property
    def is_locked(self) -> bool:
        return self.release_on is not None and self.release_on > self.today

    @cached_property
    def is_overdue(self) -> bool:
        return self.due_on is not None and self.due_on < self.today and not self.is_complete

    @cached_property
    def status(self) -> str:
        """One word for the schedule table: done, locked, behind or due."""
        if self.is_complete:
            return "done"
        if self.is_locked:
            return "locked"
        if self.is_overdue:
            return "behind"
        return "due"

    def lesson_rows(self) -> list[tuple[Lesson, bool]]:
        return [(lesson, lesson.pk in self.done_ids) for lesson in self.lessons]

    @cached_property
    def lessons_state(self) -> tuple:
        """What the lesson list shows besides the course's content, for the fragment key of
        courses/includes/session_lessons.html: the done lessons of this session (in order) and the
        release date while it is locked. Many learners share it."""
        return (tuple(lesson.pk for lesson in self.lessons if lesson.pk in self.done_ids), self.release_on if self.is_locked else None)


class CourseProgress:
    """A learner's progress through one course, computed from prefetched rows."""

    def __init__(self, enrollment: Enrollment, sessions: list[Session], done_ids: set[int], *, now=None):
        self.enrollment = enrollment
        self.now = now or timezone.now()
        self.today = timezone.localdate(self.now)
        self.done_ids = set(done_ids)
        offering = enrollment.offering
        interval = timedelta(days=enrollment.course.target_weeks * 7 / max(len(sessions), 1))
        start = timezone.localtime(enrollment.started_at or enrollment.enrolled_at)
        self.sessions: list[SessionProgress] = []
        for session in sessions:
            release_on = offering.session_release_date(session)
            if release_on is not None:
                due_on = release_on + interval
            else:
                due_on = (start + interval * session.number).date()
            self.sessions.append(
                SessionProgress(session, list(session.lessons.all()), self.done_ids, release_on, due_on, self.today)
            )
        self.lessons: list[Lesson] = [lesson for sp in self.sessions for lesson in sp.lessons]

    # --- figures (computed once: the templates ask for them several times) ----------------

    @cached_property
    def total(self) -> int:
        return sum(sp.total for sp in self.sessions)

    @cached_property
    def completed(self) -> int:
        return sum(sp.completed for sp in self.sessions)

    @cached_property
    def percent(self) -> int:
        return int(self.completed * 100 / self.total) if self.total else 0

    @cached_property
    def new_since_finished(self) -> list[Lesson]:
        """Required lessons the course gained after this learner finished it (Enrollment.new_since_finished,
        from the lessons already in memory): what My learning and the outline name."""
        finished = self.enrollment.completed_at
        if finished is None or self.is_complete:
            return []
        return [
            lesson for lesson in self.lessons
            if lesson.is_required and lesson.pk not in self.done_ids and lesson.updated_at > finished
        ]

    @property
    def has_optional_lessons(self) -> bool:
        return len(self.lessons) != self.total

    @property
    def is_complete(self) -> bool:
        return bool(self.total) and self.completed == self.total

    # --- schedule ------------------------------------------------------------------------

    @cached_property
    def behind_sessions(self) -> list[SessionProgress]:
        return [sp for sp in self.sessions if sp.is_overdue]

    @property
    def is_behind(self) -> bool:
        return bool(self.behind_sessions)

    @property
    def next_due(self) -> SessionProgress | None:
        return next((sp for sp in self.sessions if not sp.is_complete), None)

    @property
    def starts_on(self) -> date | None:
        """The start date of a future scheduled offering (None once it has started)."""
        offering = self.enrollment.offering
        return None if offering.has_started(self.today) else offering.starts_on

    @property
    def days_left(self) -> int | None:
        expires = self.enrollment.access_expires_at
        if expires is None:
            return None
        return max(0, (timezone.localdate(expires) - self.today).days)

    @property
    def is_read_only(self) -> bool:
        return self.enrollment.is_read_only

    @cached_property
    def schedule_state(self) -> tuple:
        """Everything the schedule table shows besides the course's content, for the fragment key
        of courses/includes/schedule.html: learners on the same offering who started the same day
        and stand at the same place share it."""
        offering = self.enrollment.offering
        finish = self.enrollment.recommended_finish_at
        return (
            offering.is_adaptive,
            timezone.localdate(finish) if finish and offering.is_adaptive else None,
            tuple((sp.session.pk, sp.release_on, sp.due_on, sp.status, sp.completed, sp.total) for sp in self.sessions),
        )

    # --- lessons -------------------------------------------------------------------------

    def session_progress(self, number: int) -> SessionProgress | None:
        return next((sp for sp in self.sessions if sp.number == number), None)

    def session_neighbours(self, current: SessionProgress) -> tuple[SessionProgress | None, SessionProgress | None]:
        """Previous and next session."""
        index = self.sessions.index(current)
        previous = self.sessions[index - 1] if index else None
        following = self.sessions[index + 1] if index + 1 < len(self.sessions) else None
        return previous, following

    def lesson(self, number: int, slug: str) -> Lesson | None:
        """The lesson of session `number` with this slug, or None."""
        return next((lesson for lesson in self.lessons if lesson.slug == slug and lesson.session.number == number), None)

    def is_done(self, lesson: Lesson) -> bool:
        return lesson.pk in self.done_ids

    def neighbours(self, lesson: Lesson) -> tuple[Lesson | None, Lesson | None]:
        """Previous and next lesson across session boundaries."""
        ids = [item.pk for item in self.lessons]
        index = ids.index(lesson.pk)
        previous = self.lessons[index - 1] if index > 0 else None
        following = self.lessons[index + 1] if index + 1 < len(self.lessons) else None
        return previous, following

    def is_lesson_locked(self, lesson: Lesson) -> bool:
        sp = next(sp for sp in self.sessions if sp.session.pk == lesson.session_id)
        return sp.is_locked

    @cached_property
    def resume_lesson(self) -> Lesson | None:
        """Where Resume leads: the last lesson viewed unless done, else the next one not done."""
        if not self.lessons:
            return None
        open_ids = {lesson.pk for sp in self.sessions if not sp.is_locked for lesson in sp.lessons}
        ids = [lesson.pk for lesson in self.lessons]
        last_id = self.enrollment.last_lesson_id
        if last_id in ids:
            start = ids.index(last_id)
            for lesson in self.lessons[start:]:
                if lesson.pk not in self.done_ids and lesson.pk in open_ids:
                    return lesson
            return self.lessons[start]
        return next(
            (lesson for lesson in self.lessons if lesson.pk in open_ids and lesson.pk not in self.done_ids), self.lessons[0]
        )

    @property
    def has_started_learning(self) -> bool:
        return bool(self.done_ids) or self.enrollment.last_lesson_id is not None


def progress_for(enrollment: Enrollment, *, now=None) -> CourseProgress:
    """Fetch what CourseProgress needs for one enrollment: the course's sessions and lessons
    (from the per-course cache, courses/caching.py) and one query for the completions."""
    return CourseProgress(enrollment, sessions_with_lessons(enrollment.course), enrollment.completed_lesson_ids(), now=now)


def learning_overview(user) -> tuple[list[CourseProgress], list[Enrollment]]:
    """My learning: progress in each current course (the most recently active first), and the
    courses the learner left. Two queries whatever the number of courses: the enrollments
    (with course and offering) and their completions."""
    enrollments = list(Enrollment.objects.for_user(user).with_course().most_recent_first())
    done_ids = {enrollment.pk: set() for enrollment in enrollments}
    # Plain (enrollment, lesson) pairs: no LessonCompletion instances to build.
    pairs = LessonCompletion.objects.filter(enrollment__in=list(done_ids)).values_list("enrollment_id", "lesson_id")
    for enrollment_id, lesson_id in pairs:
        done_ids[enrollment_id].add(lesson_id)
    current, left = [], []
    for enrollment in enrollments:
        if enrollment.status == Enrollment.Status.WITHDRAWN:
            left.append(enrollment)
        else:
            current.append(CourseProgress(enrollment, sessions_with_lessons(enrollment.course), done_ids[enrollment.pk]))
    return current, left

"""The course dashboard's figures: how the learners of a course are doing, per offering.

Every figure is an aggregate query over the course's enrollments and completions, so the page
runs the same queries for 100 learners as for 10,000. "Behind" is CourseProgress's rule
(courses/progress.py: a session whose recommended date has passed is not complete) written as
one condition per offering and session: the dates are the same for every learner of a scheduled
offering, and for a self-paced one they follow from the learner's start.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db.models import Count, Exists, F, OuterRef, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from courses.caching import sessions_with_lessons
from courses.models import Course, Enrollment, LessonCompletion, Offering, SessionCompletion

ACTIVE_WINDOW = timedelta(days=7)
STUCK_DAYS = (7, 14, 30)
STUCK_SHOWN = 50


def behind_condition(course: Course, offerings: list[Offering], *, now: datetime | None = None) -> Q:
    """A Q on Enrollment (with the `start` alias of `with_start`) true for a learner who is behind:
    some session with required lessons is past its recommended date and not complete (its
    SessionCompletion row, written by the progress task, is missing)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    today_start = timezone.make_aware(datetime.combine(today, time.min))
    sessions = sessions_with_lessons(course)
    interval = timedelta(days=course.target_weeks * 7 / max(len(sessions), 1))
    graded = [s for s in sessions if any(lesson.is_required for lesson in s.lessons.all())]

    def not_done(session):
        return ~Exists(SessionCompletion.objects.filter(enrollment=OuterRef("pk"), session_id=session.pk))

    behind = Q(pk__in=[])
    for offering in offerings:
        overdue = Q(pk__in=[])
        for session in graded:
            release_on = offering.session_release_date(session)
            if release_on is None:
                # Self-paced: due on (start + interval × number).date(), overdue once that day is past.
                overdue |= Q(start__lt=today_start - interval * session.number) & not_done(session)
            elif release_on + interval < today:
                overdue |= not_done(session)
        behind |= Q(offering_id=offering.pk) & overdue
    return behind


def with_start(enrollments):
    return enrollments.alias(start=Coalesce("started_at", "enrolled_at"))


@dataclass
class OfferingRow:
    offering: Offering
    enrolled: int = 0
    active_week: int = 0
    on_track: int = 0
    behind: int = 0
    completed: int = 0
    ended: int = 0

    def share(self, figure: int) -> int:
        return round(figure * 100 / self.enrolled) if self.enrolled else 0

    @property
    def bars(self) -> list[dict]:
        """The stacked bar of where the offering's learners stand: each part's label, count, share of
        the enrolled (its width in the 100-wide SVG) and where it starts."""
        parts, x = [], 0
        for key, label, count in (
            ("completed", "Completed", self.completed), ("on-track", "On track", self.on_track),
            ("behind", "Behind", self.behind), ("ended", "Access ended", self.ended),
        ):
            width = count * 100 / self.enrolled if self.enrolled else 0
            parts.append({"key": key, "label": label, "count": count, "width": f"{width:.2f}", "x": f"{x:.2f}"})
            x += width
        return parts


def offering_rows(course: Course, offerings: list[Offering], behind: Q, *, now: datetime) -> list[OfferingRow]:
    """Per offering: learners enrolled (withdrawn ones left out), active in the last week, on track,
    behind, completed, and whose access ended. One query."""
    active = Q(status=Enrollment.Status.ACTIVE)
    figures = (
        with_start(Enrollment.objects.filter(course=course).exclude(status=Enrollment.Status.WITHDRAWN))
        .values("offering_id")
        .annotate(
            enrolled=Count("pk"),
            active_week=Count("pk", filter=Q(last_activity_at__gte=now - ACTIVE_WINDOW)),
            active=Count("pk", filter=active),
            behind=Count("pk", filter=active & behind),
            completed=Count("pk", filter=Q(status=Enrollment.Status.COMPLETED)),
            ended=Count("pk", filter=Q(status=Enrollment.Status.EXPIRED)),
        )
        .order_by()
    )
    by_offering = {}
    for row in figures:
        # On track: the active learners who are not behind (one evaluation of the condition, not two).
        row["on_track"] = row.pop("active") - row["behind"]
        by_offering[row.pop("offering_id")] = row
    return [OfferingRow(offering, **by_offering.get(offering.pk, {})) for offering in offerings]


@dataclass
class FunnelStep:
    lesson: object
    position: int  # its place in its session, as the outline counts: "2.1" is session 2's first lesson
    completed: int
    percent: int
    lost: int  # learners who completed the lesson before and not this one


def lesson_funnel(course: Course, enrollments, total: int) -> list[FunnelStep]:
    """Completions of each lesson by the given enrollments, in course order: where learners stop.
    One query (the lessons come from the cached outline)."""
    counts = dict(
        LessonCompletion.objects.filter(enrollment__in=enrollments.values("pk"))
        .values("lesson_id").annotate(n=Count("pk")).order_by().values_list("lesson_id", "n")
    )
    steps, previous = [], None
    for session in sessions_with_lessons(course):
        for position, lesson in enumerate(session.lessons.all(), start=1):
            done = counts.get(lesson.pk, 0)
            lost = max(previous - done, 0) if previous is not None else max(total - done, 0)
            steps.append(FunnelStep(lesson, position, done, round(done * 100 / total) if total else 0, lost))
            previous = done
    return steps


def stuck_learners(enrollments, behind: Q, *, days: int, now: datetime):
    """Active learners who are behind and have done nothing for `days` days (never, counting from
    their start), the longest silent first: (the first STUCK_SHOWN, how many in all). Two queries."""
    since = now - timedelta(days=days)
    silent = Q(last_activity_at__lt=since) | Q(last_activity_at__isnull=True, start__lt=since)
    stuck = with_start(enrollments.filter(status=Enrollment.Status.ACTIVE)).filter(behind & silent)
    rows = list(
        stuck.select_related("user", "offering")
        .only("pk", "progress_percent", "completed_lessons", "total_lessons", "last_activity_at", "started_at", "enrolled_at",
              "user__email", "user__display_name", "user__first_name", "user__last_name", "user__username", "offering__title")
        .order_by(F("last_activity_at").asc(nulls_first=True), "pk")[:STUCK_SHOWN]
    )
    return rows, stuck.count()

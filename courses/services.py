"""Enrollment operations shared by the course page, the learner pages, admin and tasks."""

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.http import Http404
from django.utils import timezone

from courses.models import Announcement, Course, Enrollment, Lesson, LessonCompletion, Offering, SessionCompletion
from courses.tasks import recompute_progress, send_announcement


@dataclass
class EnrollmentState:
    """What the course page tells a visitor about joining."""

    open_offering: Offering | None = None
    upcoming: list[Offering] = field(default_factory=list)
    enrollment: Enrollment | None = None
    restricted_country: str = ""  # the visitor's country name, when the course is not offered there
    unavailable_in: list[str] = field(default_factory=list)
    needs_country: bool = False  # the enroll form asks for the country (restricted course, none in profile)
    access_ended: bool = False  # the learner's access ran out: the course's re-enrollment rule applies

    @property
    def is_open(self) -> bool:
        return self.open_offering is not None

    @property
    def is_enrolled(self) -> bool:
        """Enrolled with access: the box leads to the course instead of offering to enroll."""
        return self.enrollment is not None and self.enrollment.status != Enrollment.Status.WITHDRAWN and not self.access_ended

    @property
    def can_enroll(self) -> bool:
        return not self.restricted_country and (self.is_open or bool(self.upcoming))


def enrollment_state(course: Course, user, *, offerings: list[Offering] | None = None) -> EnrollmentState:
    """`offerings`: the course's offerings open now, when the caller already fetched them."""
    if offerings is None:
        offerings = list(course.offerings.open_now().order_by("starts_on", "pk"))
    today = timezone.localdate()
    state = EnrollmentState(
        open_offering=next((o for o in offerings if o.is_adaptive), None),
        upcoming=[o for o in offerings if not o.is_adaptive and o.starts_on and o.starts_on > today],
        unavailable_in=course.unavailable_country_names(),
    )
    if state.open_offering is None:
        # A scheduled run that started but still takes enrollments counts as open too.
        state.open_offering = next(
            (o for o in offerings if not o.is_adaptive and o.starts_on and o.starts_on <= today), None
        )
    if user.is_authenticated:
        state.enrollment = course.enrollments.for_user(user).select_related("offering").first()
        if user.country and not course.is_available_in(user.country.code):
            state.restricted_country = user.country.name
        state.needs_country = not user.country and bool(course.unavailable_countries)
        if state.enrollment is not None and state.enrollment.has_access_ended():
            state.access_ended = True
            _apply_reenrollment_rule(state, course, state.enrollment)
    return state


def _apply_reenrollment_rule(state: EnrollmentState, course: Course, enrollment: Enrollment) -> None:
    """Offer a learner whose access ended only the offerings the course lets them join (see _rejoin)."""
    if course.reenrollment == Course.Reenrollment.NEVER:
        state.open_offering, state.upcoming = None, []
    elif course.reenrollment == Course.Reenrollment.NEW_OFFERING:
        if state.open_offering is not None and state.open_offering.pk == enrollment.offering_id:
            state.open_offering = None
        state.upcoming = [o for o in state.upcoming if o.pk != enrollment.offering_id]


def get_enrollment_or_404(user, course_slug: str, *, include_read_only: bool = True) -> Enrollment:
    """The one access check for learner pages: the user's own enrollment in a published course,
    with its course and offering.

    Anyone else (not logged in is handled by @login_required; not enrolled, withdrawn,
    another learner's course) gets a 404, so foreign ids reveal nothing. The course's country
    rule holds here, for every page, not only when enrolling: a learner whose profile country
    is one the course is not offered in gets a 403 that says so (PermissionDenied).
    """
    enrollments = Enrollment.objects.for_learner(user, course_slug)
    if not include_read_only:
        enrollments = enrollments.current()
    try:
        enrollment = enrollments.get()
    except Enrollment.DoesNotExist:
        raise Http404("You are not enrolled in this course.") from None
    refusal = country_refusal(user, enrollment.course)
    if refusal:
        raise PermissionDenied(refusal)
    enrollment.user = user  # it is this user: no query for enrollment.user
    return enrollment


PREVIEW_MESSAGE = "This is a preview: nothing is recorded, so the page stays as a new learner sees it."


def get_learning_or_404(user, course_slug: str) -> Enrollment:
    """The access check for the learner pages that only show the course (outline, session, lesson and
    its files, worksheet, portfolio): the user's enrollment as get_enrollment_or_404 finds it, or, for
    the course's staff who are not enrolled in it (Course.objects.previewable_by), a preview
    (Enrollment.preview) of the course, published or not. Everything that records goes through
    get_enrollment_or_404, so a preview can change nothing."""
    try:
        return get_enrollment_or_404(user, course_slug)
    except Http404:
        course = Course.objects.previewable_by(user).filter(slug=course_slug).first() if user.is_staff else None
        if course is None:
            raise
        return Enrollment.preview(user, course)


def get_own_enrollment_or_404(user, course_slug: str) -> Enrollment:
    """The user's enrollment in a published course whatever its status or their country, for what a
    learner does to their own things (withdraw, unpublish their entry, delete their comments):
    leaving the course or moving country never takes that control away."""
    try:
        enrollment = Enrollment.objects.with_course().get(user=user, course__slug=course_slug, course__is_published=True)
    except Enrollment.DoesNotExist:
        raise Http404("You are not enrolled in this course.") from None
    enrollment.user = user
    return enrollment


def country_refusal(user, course: Course) -> str:
    """Why the course is closed to this user because of the country in their profile, or ""."""
    if not user.country and course.unavailable_countries:
        return "This course is not offered everywhere: please add your country to your profile to continue."
    if user.country and not course.is_available_in(user.country.code):
        return (
            f"Sorry, this course is not available in {user.country.name}, the country in your profile. "
            "If that is not where you live, correct it in your profile and try again."
        )
    return ""


# --- Completing lessons ------------------------------------------------------------------


def complete_lesson(enrollment: Enrollment, lesson: Lesson) -> bool:
    """Record the completion (idempotent) and recompute progress after the commit.

    The recompute is queued even when the lesson was already complete: a retried click then
    repairs figures whose first job was lost (the recompute is idempotent)."""
    created = enrollment.record_completion(lesson)
    recompute_progress.delay_on_commit(enrollment.pk)
    return created


def uncomplete_lesson(enrollment: Enrollment, lesson: Lesson) -> bool:
    """Remove the completion (idempotent) and recompute progress after the commit."""
    deleted = enrollment.remove_completion(lesson)
    if deleted:
        recompute_progress.delay_on_commit(enrollment.pk)
    return deleted


# --- Enrolling and withdrawing ---------------------------------------------------------


class EnrollmentRefused(Exception):
    """Enrollment is not possible; `message` says why and what to do, `upcoming` what to pick instead."""

    def __init__(self, message: str, *, upcoming: list[Offering] | None = None):
        super().__init__(message)
        self.message = message
        self.upcoming = upcoming or []


def enroll(user, course: Course, offering: Offering | None = None, country: str | None = None) -> Enrollment:
    """Enroll a learner, or refuse with EnrollmentRefused and change nothing but their profile country.

    Rules, in order:
    1. the country: the profile's, or the one the form asked for (then saved to the profile);
       a course unavailable there is refused (get_enrollment_or_404 holds the same rule on every page);
    2. the offering: the one picked (it must be this course's and take enrollments now), or the
       open one; none open means "closed" and the refusal lists the future offerings;
    3. one enrollment per learner and course, its row locked: enrolling twice returns the same row,
       picking another offering moves the row to it, re-enrolling after withdrawing reactivates it
       with its dates, and after access ends the course's re-enrollment rule decides (_rejoin);
       completions are always kept;
    4. capacity: the offering's row is locked while its places are counted and the enrollment
       written, so simultaneous requests take turns for the last place (_check_capacity);
    5. dates: adaptive offerings start now; scheduled ones start on their start date (which
       may be in the future); recommended finish and access end count from the start.
    """
    _check_country(user, course, country)
    offering = _pick_offering(course, offering)
    with transaction.atomic():
        enrollment = Enrollment.objects.select_for_update().filter(user=user, course=course).first()
        if enrollment is None:
            _check_capacity(offering)
            try:
                with transaction.atomic():
                    enrollment = Enrollment.objects.create(
                        user=user,
                        course=course,
                        offering=offering,
                        total_lessons=Lesson.objects.filter(session__course=course, is_required=True).count(),
                        **_dates(course, offering),
                    )
            except IntegrityError:  # a simultaneous request won: that row is ours too
                return Enrollment.objects.get(user=user, course=course)
            return enrollment
        return _rejoin(enrollment, offering)


def _check_country(user, course: Course, country: str | None) -> None:
    if not user.country and country:
        user.country = country
        user.save(update_fields=["country"])
    if not user.country and course.unavailable_countries:
        raise EnrollmentRefused(
            "Please choose your country: this course is not offered everywhere, so we need it to enroll you."
        )
    refusal = country_refusal(user, course)
    if refusal:
        raise EnrollmentRefused(refusal)


def _pick_offering(course: Course, offering: Offering | None) -> Offering:
    state = enrollment_state(course, _Anonymous())
    if offering is None:
        offering = state.open_offering
    elif offering.course_id != course.pk or not offering.is_open() or not _is_joinable(offering):
        offering = None
    if offering is None:
        if state.upcoming:
            raise EnrollmentRefused(
                "Enrollment has closed for that offering. You can join a future offering instead: pick one below.",
                upcoming=state.upcoming,
            )
        raise EnrollmentRefused(
            "Enrollment has closed and there is no future offering to join yet. Please check back later."
        )
    return offering


def _is_joinable(offering: Offering) -> bool:
    """Adaptive offerings, and scheduled ones that take enrollments (started or not)."""
    return offering.is_adaptive or offering.starts_on is not None


def _check_capacity(offering: Offering) -> None:
    """Refuse a full offering. Call it inside the transaction that writes the enrollment: it locks the
    offering's row until the commit, so a second request counts only after the first one's place is in."""
    if Offering.objects.select_for_update().get(pk=offering.pk).is_full():
        raise EnrollmentRefused(f"{offering.title} is full. Please pick another offering.")


def _dates(course: Course, offering: Offering) -> dict:
    if offering.is_adaptive:
        start = timezone.now()
    else:
        start = timezone.make_aware(datetime.combine(offering.starts_on, time.min))
    return {
        "started_at": start,
        "recommended_finish_at": start + course.target_duration,
        "access_expires_at": start + course.access_duration,
    }


def _rejoin(enrollment: Enrollment, offering: Offering) -> Enrollment:
    """Enrolling again (the row is locked by the caller).

    1. Access left, same offering: a current enrollment stays as it is; a withdrawn one is
       reactivated with the dates it had, so leaving and coming back never extends access.
    2. Access left, another offering: the enrollment moves, with that offering's dates.
    3. Access ended: the course's rule (Course.reenrollment) says whether the learner may enroll
       again, and whether it takes another offering; allowed, the dates start again.
    Becoming active on an offering takes one of its places (_check_capacity).
    """
    course = enrollment.course
    moving = enrollment.offering_id != offering.pk
    if enrollment.has_access_ended():
        _check_reenrollment(enrollment, offering, moving)
        new_dates = True
    elif not moving and enrollment.status != Enrollment.Status.WITHDRAWN:
        return enrollment
    else:
        new_dates = moving
    if moving or enrollment.status != Enrollment.Status.ACTIVE:  # not yet one of the offering's places
        _check_capacity(offering)
    enrollment.offering = offering
    if new_dates:
        for name, value in _dates(course, offering).items():
            setattr(enrollment, name, value)
    enrollment.status = Enrollment.Status.ACTIVE
    enrollment.withdrawn_at = None
    enrollment.completed_at = None
    enrollment.save(
        update_fields=[
            "offering", "status", "withdrawn_at", "completed_at",
            "started_at", "recommended_finish_at", "access_expires_at",
        ]
    )
    # Completions were kept: the task moves a fully completed course back to "completed".
    recompute_progress.delay_on_commit(enrollment.pk)
    return enrollment


def _check_reenrollment(enrollment: Enrollment, offering: Offering, moving: bool) -> None:
    """Refuse enrolling again after access ended when the course's rule does not allow it."""
    course = enrollment.course
    ended = f"Your access to {course.title} has ended"
    if enrollment.access_expires_at:
        ended = f"Your access to {course.title} ended on {timezone.localtime(enrollment.access_expires_at):%-d %B %Y}"
    if course.reenrollment == Course.Reenrollment.NEVER:
        raise EnrollmentRefused(
            f"{ended}. This course gives one period of access, so you cannot enroll again; your work stays readable in My learning."
        )
    if course.reenrollment == Course.Reenrollment.NEW_OFFERING and not moving:
        state = enrollment_state(course, _Anonymous())
        _apply_reenrollment_rule(state, course, enrollment)
        others = [state.open_offering, *state.upcoming] if state.open_offering else state.upcoming
        raise EnrollmentRefused(
            f"{ended}. To enroll again, join another offering than {enrollment.offering.title}"
            + (": pick one below." if others else "; there is none to join yet, so please check back later."),
            upcoming=others,
        )


# --- What staff do for one learner (the Enrollment admin's actions) ---------------------------


def extend_access(enrollment: Enrollment, days: int) -> Enrollment:
    """Give a learner `days` more days of access, counted from when it ends, or from now when it has
    already ended. A learner whose access had ended gets the course back as it was (active, or
    completed); completions, portfolio and badges are untouched."""
    if days < 1:
        raise ValueError("days must be at least 1")
    with transaction.atomic():
        enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
        now = timezone.now()
        start = enrollment.access_expires_at if enrollment.access_expires_at and enrollment.access_expires_at > now else now
        enrollment.access_expires_at = start + timedelta(days=days)
        fields = ["access_expires_at"]
        if enrollment.status == Enrollment.Status.EXPIRED:
            enrollment.status = Enrollment.Status.COMPLETED if enrollment.completed_at else Enrollment.Status.ACTIVE
            fields.append("status")
        enrollment.save(update_fields=fields)
    recompute_progress.delay_on_commit(enrollment.pk)
    return enrollment


def move_to_offering(enrollment: Enrollment, offering: Offering) -> Enrollment:
    """Move a learner to another offering of their course, as enrolling in it does (_rejoin) but
    decided by staff: the offering need not take enrollments now and the re-enrollment rule does
    not apply; its capacity does (EnrollmentRefused when it is full). The dates start again with
    the new offering; completions, portfolio and badges stay."""
    if offering.course_id != enrollment.course_id:
        raise EnrollmentRefused(f"{offering.title} is an offering of another course.")
    with transaction.atomic():
        enrollment = Enrollment.objects.select_for_update().select_related("course").get(pk=enrollment.pk)
        if enrollment.offering_id == offering.pk:
            return enrollment
        _check_capacity(offering)
        enrollment.offering = offering
        for name, value in _dates(enrollment.course, offering).items():
            setattr(enrollment, name, value)
        if enrollment.status in (Enrollment.Status.EXPIRED, Enrollment.Status.WITHDRAWN):
            enrollment.status = Enrollment.Status.ACTIVE
            enrollment.withdrawn_at = None
        enrollment.save(update_fields=["offering", "status", "withdrawn_at", "started_at", "recommended_finish_at", "access_expires_at"])
    recompute_progress.delay_on_commit(enrollment.pk)
    return enrollment


# --- The studio: pages for a course's staff ------------------------------------------------


def get_taught_course_or_404(user, course_slug: str, *, permission: str = "courses.view_enrollment") -> Course:
    """The one access check of the staff pages (dashboard, review queue, reviews, announcements):
    a course the user teaches (Course.objects.taught_by: one naming them as an instructor, or any
    for a superuser), published or not, when they are active staff holding `permission` (the
    `instructors` group has it). Everyone else gets a 404, learners and other courses' staff alike."""
    if not (user.is_authenticated and user.is_active and user.is_staff and user.has_perm(permission)):
        raise Http404("No such course.")
    course = Course.objects.taught_by(user).filter(slug=course_slug).first()
    if course is None:
        raise Http404("No such course.")
    return course


def post_announcement(course: Course, *, title: str, body: str, author=None, offering: Offering | None = None) -> Announcement:
    return publish_announcement(Announcement(course=course, offering=offering, title=title, body=body, author=author))


def publish_announcement(announcement: Announcement) -> Announcement:
    """Save a new announcement, shown at once on its learners' course outline, and email it in the
    background (courses.tasks.send_announcement, after the commit; see courses.announcements).
    The admin's "add" comes here, as post_announcement does."""
    if announcement.offering_id and announcement.offering.course_id != announcement.course_id:
        raise ValueError("The offering belongs to another course.")
    announcement.save()
    send_announcement.delay_on_commit(announcement.pk)
    return announcement


def withdraw(enrollment: Enrollment) -> Enrollment:
    """Leave the course. Completions, portfolio and badges stay; enrolling again picks them up."""
    if enrollment.status != Enrollment.Status.WITHDRAWN:
        enrollment.status = Enrollment.Status.WITHDRAWN
        enrollment.withdrawn_at = timezone.now()
        enrollment.save(update_fields=["status", "withdrawn_at"])
    return enrollment


class _Anonymous:
    is_authenticated = False


def export_personal_data(user, archive) -> None:
    """The learner's courses in their data export (accounts.signals.collect_personal_data, courses/apps.py):
    courses/enrollments.json, each enrollment with its dates, progress and completed lessons and sessions."""
    lessons = LessonCompletion.objects.select_related("lesson__session").order_by("completed_at", "pk")
    sessions = SessionCompletion.objects.select_related("session").order_by("completed_at", "pk")
    enrollments = (
        Enrollment.objects.filter(user=user).select_related("course", "offering").order_by("enrolled_at", "pk")
        .prefetch_related(Prefetch("completions", queryset=lessons), Prefetch("session_completions", queryset=sessions))
    )
    archive.write_json("courses/enrollments.json", [
        {
            "course": {"title": e.course.title, "slug": e.course.slug, "url": settings.SITE_URL + e.course.get_absolute_url()},
            "offering": e.offering.title,
            "status": e.status,
            "enrolled_at": e.enrolled_at,
            "started_at": e.started_at,
            "recommended_finish_at": e.recommended_finish_at,
            "access_expires_at": e.access_expires_at,
            "completed_at": e.completed_at,
            "withdrawn_at": e.withdrawn_at,
            "progress_percent": e.progress_percent,
            "completed_lessons": e.completed_lessons,
            "total_lessons": e.total_lessons,
            "last_activity_at": e.last_activity_at,
            "lessons_completed": [
                {"session": c.lesson.session.number, "lesson": c.lesson.title, "completed_at": c.completed_at}
                for c in e.completions.all()
            ],
            "sessions_completed": [
                {"session": c.session.number, "title": c.session.title, "completed_at": c.completed_at}
                for c in e.session_completions.all()
            ],
        }
        for e in enrollments
    ])

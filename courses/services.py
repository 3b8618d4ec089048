"""Enrollment operations shared by the course page, the enroll view and admin."""

from dataclasses import dataclass, field

from django.utils import timezone

from courses.models import Course, Enrollment, Offering


@dataclass
class EnrollmentState:
    """What the course page tells a visitor about joining."""

    open_offering: Offering | None = None
    upcoming: list[Offering] = field(default_factory=list)
    enrollment: Enrollment | None = None
    restricted_country: str = ""  # the visitor's country name, when the course is not offered there
    unavailable_in: list[str] = field(default_factory=list)

    @property
    def is_open(self) -> bool:
        return self.open_offering is not None

    @property
    def can_enroll(self) -> bool:
        return not self.restricted_country and (self.is_open or bool(self.upcoming))


def enrollment_state(course: Course, user) -> EnrollmentState:
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
        state.enrollment = course.enrollments.filter(user=user).select_related("offering").first()
        if user.country and not course.is_available_in(user.country.code):
            state.restricted_country = user.country.name
    return state


def get_enrollment_or_404(user, course_slug: str, *, include_read_only: bool = True) -> Enrollment:
    """The one access check for learner pages: the user's own enrollment in a published course.

    Anyone else (not logged in is handled by @login_required; not enrolled, withdrawn,
    another learner's course) gets a 404, so foreign ids reveal nothing.
    """
    from django.http import Http404

    qs = Enrollment.objects.select_related("course", "offering").filter(
        user=user, course__slug=course_slug, course__is_published=True
    )
    if not include_read_only:
        qs = qs.current()
    else:
        qs = qs.exclude(status=Enrollment.Status.WITHDRAWN)
    enrollment = qs.first()
    if enrollment is None:
        raise Http404("You are not enrolled in this course.")
    return enrollment

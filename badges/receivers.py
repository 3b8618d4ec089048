"""How badges react to the apps below them; BadgesConfig.ready() connects these."""

from badges.models import Award
from badges.services import export_personal_data, keep_awards_of, queue_badge_evaluation, withdraw_awards_of


def evaluate_badges(sender, user_id: int, course_id: int, **kwargs) -> None:
    """A learner's progress, worksheet, gallery entry or comment changed: a badge may now be earned."""
    queue_badge_evaluation(user_id, course_id)


def completion_badges(sender, enrollment, user, **kwargs):
    """The course-completion page's section: the badges the learner earned in this course."""
    awards = Award.objects.filter(recipient=user, badge__course_id=enrollment.course_id, is_revoked=False)
    return "badges/includes/completion_badges.html", {"awards": list(awards.select_related("badge").order_by("awarded_at"))}


def keep_awards_of_deleted_user(sender, instance, **kwargs) -> None:
    """A user row is about to go: their awards stay verifiable without it (services.keep_awards_of)."""
    keep_awards_of(instance)


def withdraw_awards_if_asked(sender, user, keep_badges: bool, **kwargs) -> None:
    """The learner deleting their account chose between keeping their badges and withdrawing them."""
    if not keep_badges:
        withdraw_awards_of(user)


def export_badges(sender, user, archive, **kwargs) -> None:
    """The learner's data export: their badges as Open Badges files (services.export_personal_data)."""
    export_personal_data(user, archive)


def export_columns(sender, enrollments, **kwargs):
    """The enrollment CSV's badges column: the names of the learner's current awards of the
    enrollment's course (and of badges of no course), "; "-separated. Two queries."""
    learners = list(enrollments.values_list("pk", "user_id", "course_id"))
    earned = {}
    awards = Award.objects.filter(is_revoked=False, recipient_id__in=enrollments.values("user_id")).order_by("awarded_at", "pk")
    for user_id, course_id, name in awards.values_list("recipient_id", "badge__course_id", "badge__name"):
        earned.setdefault(user_id, []).append((course_id, name))
    cells = {}
    for enrollment_id, user_id, course_id in learners:
        names = [name for badge_course, name in earned.get(user_id, []) if badge_course in (course_id, None)]
        cells[enrollment_id] = ["; ".join(names)]
    return ["badges"], cells

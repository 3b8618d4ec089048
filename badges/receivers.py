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

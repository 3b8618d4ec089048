"""How badges react to the apps below them; BadgesConfig.ready() connects these."""

from badges.models import Award
from badges.services import queue_badge_evaluation


def evaluate_badges(sender, user_id: int, course_id: int, **kwargs) -> None:
    """A learner's progress, worksheet, gallery entry or comment changed: a badge may now be earned."""
    queue_badge_evaluation(user_id, course_id)



def completion_badges(sender, enrollment, user, **kwargs):
    """The course-completion page's section: the badges the learner earned in this course."""
    awards = Award.objects.filter(recipient=user, badge__course_id=enrollment.course_id, is_revoked=False)
    return "badges/includes/completion_badges.html", {"awards": list(awards.select_related("badge").order_by("awarded_at"))}

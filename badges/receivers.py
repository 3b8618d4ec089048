"""How badges react to the apps below them; BadgesConfig.ready() connects these."""

from badges.services import queue_badge_evaluation


def evaluate_badges(sender, user_id: int, course_id: int, **kwargs) -> None:
    """A learner's progress, worksheet, gallery entry or comment changed: a badge may now be earned."""
    queue_badge_evaluation(user_id, course_id)


"""How badges react to the apps below them; BadgesConfig.ready() connects these."""

from badges.services import queue_badge_evaluation
from core.cache import touch
from courses.models import Course


def evaluate_badges(sender, user_id: int, course_id: int, **kwargs) -> None:
    """A learner's progress, worksheet, gallery entry or comment changed: a badge may now be earned."""
    queue_badge_evaluation(user_id, course_id)


def touch_course(sender, instance, **kwargs) -> None:
    """The course page lists the course's badges, so a badge saved or deleted changes its course's keys."""
    if instance.course_id:
        touch(Course.objects.filter(pk=instance.course_id))

"""Badge operations shared by views, admin actions and tasks."""

from django.db import transaction


def queue_badge_evaluation(user_id: int, course_id: int) -> None:
    """Enqueue evaluate_badges once the current transaction commits (the apps' events call this)."""
    from badges.tasks import evaluate_badges

    transaction.on_commit(lambda: evaluate_badges.delay(user_id, course_id))


def evaluate_badges_for(user_id: int, course_id: int) -> list:
    """Award every active badge whose rule now holds for this learner; returns new awards.

    The rules are implemented by the badges work (issue 6).
    """
    return []

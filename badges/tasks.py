from celery import shared_task

from badges.services import evaluate_badges_for


@shared_task(acks_late=True)
def evaluate_badges(user_id: int, course_id: int) -> int:
    return len(evaluate_badges_for(user_id, course_id))

from celery import shared_task

from core import background


@shared_task(ignore_result=True)
def heartbeat() -> None:
    """Every minute from beat: proves that beat, the broker and a worker on the default queue all run."""
    background.record_heartbeat()

from importlib import import_module

from celery import shared_task
from django.conf import settings

from core import background


@shared_task(ignore_result=True)
def heartbeat() -> None:
    """Every minute from beat: proves that beat, the broker and a worker on the default queue all run."""
    background.record_heartbeat()


@shared_task(ignore_result=True)
def clear_expired_sessions() -> None:
    """Daily from beat: what `manage.py clearsessions` does (sessions live in the database)."""
    engine = import_module(settings.SESSION_ENGINE)
    engine.SessionStore.clear_expired()

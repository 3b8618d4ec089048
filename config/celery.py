"""The Celery app. Tasks live in each app's tasks.py and are found by autodiscovery.

Without REDIS_URL the settings make every task run in-process (eager), so `make run`
needs no broker; with it, a worker (`celery -A config worker`) and beat run them.
"""

import logging
import os

from celery import Celery
from celery.contrib.django.task import DjangoTask
from celery.schedules import crontab
from kombu.exceptions import OperationalError
from redis.exceptions import RedisError

from core import background

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

logger = logging.getLogger(__name__)


class Task(DjangoTask):
    """Every task of the project: a send the broker refuses never fails the request that made it.

    Tasks that are cheap and must not wait (progress, badges: `run_inline_without_broker = True`)
    then run in the request itself; the others are logged and left to their reconcilers and to the
    learner's "try again" (a PDF), and the pages say that background work is delayed.
    """

    run_inline_without_broker = False

    def apply_async(self, args=None, kwargs=None, **options):
        if self.app.conf.task_always_eager:
            return super().apply_async(args, kwargs, **options)
        if not background.skip_broker():
            try:
                result = super().apply_async(args, kwargs, **options)
            except (OperationalError, RedisError, OSError) as error:
                background.broker_failed()
                logger.error("The broker refused %s: %r", self.name, error)
            else:
                background.broker_answered()
                return result
        if self.run_inline_without_broker:
            return self.apply(args, kwargs)
        logger.warning("%s%r not sent: the broker is unavailable", self.name, tuple(args or ()))
        return None


app = Celery("atelier", task_cls=Task)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Times are in settings.TIME_ZONE (CELERY_TIMEZONE).
app.conf.beat_schedule = {
    "worker-heartbeat": {"task": "core.tasks.heartbeat", "schedule": 60.0},
    "reconcile-progress": {"task": "courses.tasks.reconcile_progress", "schedule": 300.0},
    "clear-expired-sessions-daily": {"task": "core.tasks.clear_expired_sessions", "schedule": crontab(hour=4, minute=0)},
    "expire-enrollments-daily": {
        "task": "courses.tasks.expire_enrollments",
        "schedule": crontab(hour=2, minute=10),
    },
    "send-pace-reminders-weekly": {
        "task": "courses.tasks.send_pace_reminders",
        "schedule": crontab(day_of_week="mon", hour=9, minute=0),
    },
    "delete-expired-data-exports-daily": {
        "task": "accounts.tasks.delete_expired_exports",
        "schedule": crontab(hour=4, minute=30),
    },
    "reconcile-badge-awards-nightly": {
        "task": "badges.tasks.reconcile_awards",
        "schedule": crontab(hour=3, minute=20),
    },
}

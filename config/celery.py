"""The Celery app. Tasks live in each app's tasks.py and are found by autodiscovery.

Without REDIS_URL the settings make every task run in-process (eager), so `make run`
needs no broker; with it, a worker (`celery -A config worker`) and beat run them.
"""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("atelier")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Times are in settings.TIME_ZONE (CELERY_TIMEZONE).
app.conf.beat_schedule = {
    "expire-enrollments-daily": {
        "task": "courses.tasks.expire_enrollments",
        "schedule": crontab(hour=2, minute=10),
    },
    "send-pace-reminders-weekly": {
        "task": "courses.tasks.send_pace_reminders",
        "schedule": crontab(day_of_week="mon", hour=9, minute=0),
    },
    "reconcile-badge-awards-nightly": {
        "task": "badges.tasks.reconcile_awards",
        "schedule": crontab(hour=3, minute=20),
    },
}

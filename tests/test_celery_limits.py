"""A job held by a killed worker runs again soon: Redis's visibility timeout follows the task limits."""

from django.conf import settings

from config.celery import app


def our_tasks():
    app.loader.import_default_modules()  # autodiscovery is lazy: load every app's tasks.py
    return [task for name, task in app.tasks.items() if not name.startswith("celery.")]


def test_every_task_has_a_hard_limit_below_the_visibility_timeout():
    timeout = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert our_tasks()
    for task in our_tasks():
        limit = task.time_limit or app.conf.task_time_limit
        assert limit, f"{task.name} has no hard time limit"
        assert limit < timeout, task.name


def test_the_visibility_timeout_is_minutes_not_redis_default_hour():
    longest = max(task.time_limit or app.conf.task_time_limit for task in our_tasks())
    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] <= longest + 120
    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] < 3600

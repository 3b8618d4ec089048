"""Whether this process can hand work to the Celery broker, as it last found out.

The project's task class (config/celery.py) records each failed and each successful send; a
failure makes the next few seconds' sends skip the broker at once (a hung Redis costs one
timeout, not one per task) and puts a notice on the site's pages for a while, so a learner
knows why a badge or a PDF is late.
"""

import time

from django.core.cache import cache

SKIP_FOR = 5.0  # seconds after a failure during which sends do not try the broker
NOTICE_FOR = 600.0  # seconds after a failure during which pages say background work is delayed

_failed_at: float | None = None


def broker_failed() -> None:
    global _failed_at
    _failed_at = time.monotonic()


def broker_answered() -> None:
    global _failed_at
    _failed_at = None


def seconds_since_failure() -> float | None:
    return None if _failed_at is None else time.monotonic() - _failed_at


def skip_broker() -> bool:
    since = seconds_since_failure()
    return since is not None and since < SKIP_FOR


def background_context(request) -> dict:
    """A context processor: `background_delayed` for the notice in base.html."""
    since = seconds_since_failure()
    return {"background_delayed": since is not None and since < NOTICE_FOR}


HEARTBEAT_KEY = "worker:heartbeat"
HEARTBEAT_STALE_AFTER = 180  # seconds: three missed beats


def record_heartbeat() -> None:
    cache.set(HEARTBEAT_KEY, time.time(), timeout=24 * 60 * 60)


def heartbeat_age() -> float | None:
    """Seconds since a worker last ran core.tasks.heartbeat (None: never, or the cache is unreachable)."""
    beat = cache.get(HEARTBEAT_KEY)
    return None if beat is None else max(0.0, time.time() - beat)

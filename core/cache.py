"""Every cache key of the site: what it holds and what makes it change.

One idea, key-based expiration. Only what many viewers share is cached, under a key that
names the object shown and its `updated_at`. A change to a child touches its parent (each
app's receivers call `touch` for its own models), so the next read builds under a new key;
the old copy is never read again and expires after TIMEOUT. The code version is part of
every key (settings.CACHES KEY_PREFIX), so a release never reads a shape or a template
fragment that an older release stored. Nothing is cached per viewer: who is logged in,
their answers, their unread count and every right to see something come from the database.

Cached values are read with `cache.get_or_set` and template fragments with `{% cache %}`;
each caller gets its own copy and never changes what was stored.

Keys (holds; changes when):
- `course_key(course, "sessions")`: the sessions with their lessons; the course is touched (a
  session, lesson, outcome, staff member, offering, worksheet, prompt or badge saved or deleted).
- `course_key(course, "offerings")`: the active offerings; the course is touched.
- `course_key(course, "worksheets")` (portfolios.services.course_worksheets): the worksheets with
  their lessons and prompts; the course is touched (a worksheet or prompt, portfolios/apps.py).
- fragment `course-body` (course.pk, course.updated_at): the course page's shared part; the
  course is touched.
- fragment `gallery-grid` (course.pk, sort, page, latest entry change, entry count): one page of
  gallery cards; an entry is saved or deleted, its comment count changes, or its author is
  renamed (each touches the entry).
- fragment `entry-body` (entry.pk, entry.updated_at): an entry's published snapshot; the entry
  is published again or edited.

The Redis backend below keeps one client per connection pool.
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
from django.utils import timezone

TIMEOUT = 24 * 60 * 60


def course_key(course, name: str) -> str:
    return f"course:{course.pk}:{name}:{course.updated_at.timestamp():.6f}"


def touch(queryset) -> None:
    """Give the rows a new `updated_at`, so every key built from it changes."""
    queryset.update(updated_at=timezone.now())


class ReusingRedisCacheClient(RedisCacheClient):
    """Django's client builds a `redis.Redis` object per call; one per pool is enough (it holds no
    connection of its own and is safe to share)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(connection_pool=self._get_connection_pool(write))
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient


# Transitional: the per-viewer version keys below go with the caches that use them.
def bump_version(key: str) -> None:
    import time

    from django.core.cache import cache
    from django.db import transaction

    cache.set(key, time.time_ns(), None)
    transaction.on_commit(lambda: cache.set(key, time.time_ns(), None))


def with_versions(found: dict, keys: list) -> dict:
    import time

    from django.core.cache import cache

    for key in keys:
        if key not in found:
            found[key] = time.time_ns()
            cache.add(key, found[key], None)
    return found

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
- `course_key(course, "sessions")` (courses/caching.py): the sessions with their lessons (and a
  lesson's worksheet); the course is touched (a session, lesson, outcome, staff member or
  offering saved or deleted, by courses/apps.py; a worksheet, prompt or badge, by the receivers
  portfolios and badges connect).
- `course_key(course, "offerings")` (courses/caching.py): the active offerings; the course is
  touched.
- `course_key(course, "announcements:<offering id>")` (courses/caching.py course_announcements): the
  newest announcements the learners of one offering see on their outline; the course is touched (an
  announcement saved or deleted, courses/apps.py).
- `course_key(course, "worksheets")` (portfolios.services.course_worksheets): the worksheets with
  their lessons and prompts; the course is touched (a worksheet or prompt, portfolios/apps.py).
- `course_key(course, "outline")` (portfolios.services.course_outline): the same worksheets and
  prompts as plain data, what compile_portfolio reads; the course is touched, as above.
- `course_key(course, "worksheet:<slug>")` and `course_key(course, "prompt:<id>")`
  (portfolios.services.get_worksheet_or_404, get_prompt_or_404): one of those worksheets, one of
  their prompts (None: the course has none such); the course is touched, as above.
- fragment `course-body` (course.pk, course.updated_at; templates/courses/course_detail.html):
  the course page's shared part; the course is touched.
- `course_key(course, "counts")` (courses/caching.py): the numbers of sessions and lessons the
  course page prints; the course is touched.
- fragment `session-lessons` (session.pk, course.updated_at, the session's done lessons, its release
  date while locked, the current lesson; templates/courses/includes/session_lessons.html): a
  session's lesson list with its done marks, shared by every learner at the same place; the
  course is touched, or the learner's place changes (then it is another key).
- fragment `outline-session` (session.pk, course.updated_at, done lessons, status, due date): a
  session's card on the outline, shared the same way.
- fragment `schedule` (course.pk, course.updated_at, each session's dates and status): the
  recommended schedule, shared by every learner with the same dates.
- fragment `badges-to-earn` (course.pk, course.updated_at, the badges listed): My badges' list of
  a course's badges still to earn, shared by learners who hold the same ones.
- fragment `gallery-grid` (course.pk, course.updated_at, sort, page, the count of the entries every
  learner sees and the (pk, updated_at) of the entries on the page): one page of the gallery cards that learners
  share; an entry is published, saved, hidden, unpublished or deleted, its comment count
  changes (Entry.refresh_comment_count) or its author is renamed (gallery/apps.py touches the
  author's entries); the course is touched (its slug is in the links).
- fragment `entry-body` (entry.pk, entry.published_at, entry.cover_large, course.slug, which is in its
  image addresses): an entry's cover, texts and snapshot, with no names and nothing per viewer;
  the learner publishes again (the only way they change: staff may hide an entry, never rewrite
  it), or the task that makes the cover's sizes finishes (gallery.services.store_cover_thumbnails),
  so renames and comments leave it alone.
- `gallery:<action>:<user>:<window>:<n>`, `uploads:<user>:<window>:<n>` and
  `data-export:<user>:<window>:<n>`: not a cache but throttles (core/ratelimit.py), how often a
  person commented, edited or reported in the gallery (gallery.services.check_rate), uploaded
  images (core.ratelimit.check_upload_rate) and asked for a download of their data
  (accounts.services.request_data_export) in a fixed window; each expires with its window.
- `worker:heartbeat`: not a cache but a status, when a worker last ran core.tasks.heartbeat (beat
  sends it every minute); /healthz reads it.
- Awards are never cached: My badges' earned list, the award page and the Open Badges documents
  read the database, so a revocation or a visibility change shows at once. The same goes for the
  revocation status lists and certificates (badges/credentials.py): a status list is built from the
  database on each request, and is byte-for-byte stable while nothing is revoked, so verifiers get
  304s through its ETag instead of a cached copy here. The course page
  lists the course's badges, so badges/apps.py touches the course when a badge class is saved
  or deleted.

The Redis backend below keeps one client per connection pool and treats a failing Redis as a\nmiss (see ReusingRedisCacheClient).
"""

import logging
import time

from django.conf import settings
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

TIMEOUT = 24 * 60 * 60


def fragment_timeout() -> int:
    """How long a cached fragment lives. Fragments hold media URLs (badge and course images; learners'
    images are linked through their checked views, never signed), and with
    uploads on S3 behind signed URLs (AWS_QUERYSTRING_AUTH) a fragment must expire well inside the
    URLs' lifetime, so a cached page never links an expired one."""
    if getattr(settings, "AWS_QUERYSTRING_AUTH", False):
        return min(TIMEOUT, getattr(settings, "AWS_QUERYSTRING_EXPIRE", 3600) // 2)
    return TIMEOUT


def cache_context(request) -> dict:
    """A context processor: `{% cache fragment_timeout … %}` in every template."""
    return {"fragment_timeout": fragment_timeout()}


def course_key(course, name: str) -> str:
    return f"course:{course.pk}:{name}:{course.updated_at.timestamp():.6f}"


def touch(queryset) -> None:
    """Give the rows a new `updated_at`, so every key built from it changes."""
    queryset.update(updated_at=timezone.now())


def touch_on_change(model, parents) -> None:
    """Touch `parents(instance)` (a queryset) whenever an instance of `model` is saved or deleted:
    how each app keeps the keys of what shows its models current (called from its apps.py)."""

    def receiver(sender, instance, **kwargs):
        touch(parents(instance))

    uid = f"touch-parents-of-{model._meta.label_lower}"
    post_save.connect(receiver, sender=model, weak=False, dispatch_uid=f"{uid}-save")
    post_delete.connect(receiver, sender=model, weak=False, dispatch_uid=f"{uid}-delete")


class ReusingRedisCacheClient(RedisCacheClient):
    """Django's Redis client, with two changes.

    1. It keeps one `redis.Redis` object per pool (Django's builds one per call; it holds no
       connection of its own and is safe to share).
    2. Redis is a cache here, never the record: when it fails (down, hung past the socket
       timeout, refusing writes) a read is a miss and a write is dropped, so pages, sessions
       (cached_db reads the database on a miss) and autosave go on from the database. After a
       failure the process leaves Redis alone for RETRY_AFTER seconds, so a hung server costs
       one timeout, not one per call.
    """

    RETRY_AFTER = 5.0

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}
        self._down_until = 0.0

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(connection_pool=self._get_connection_pool(write))
        return client

    def _guard(self, call, fallback):
        if time.monotonic() < self._down_until:
            return fallback
        try:
            return call()
        except RedisError as error:
            self._down_until = time.monotonic() + self.RETRY_AFTER
            logger.warning("Redis cache unavailable for %ss, serving from the database: %r", self.RETRY_AFTER, error)
            return fallback

    def add(self, key, value, timeout):
        # Reported as stored: locks and throttles built on add (allauth's, ours) let the request
        # through rather than refuse everyone while Redis is away.
        return self._guard(lambda: super(ReusingRedisCacheClient, self).add(key, value, timeout), True)

    def get(self, key, default):
        return self._guard(lambda: super(ReusingRedisCacheClient, self).get(key, default), default)

    def set(self, key, value, timeout):
        return self._guard(lambda: super(ReusingRedisCacheClient, self).set(key, value, timeout), None)

    def touch(self, key, timeout):
        return self._guard(lambda: super(ReusingRedisCacheClient, self).touch(key, timeout), False)

    def delete(self, key):
        return self._guard(lambda: super(ReusingRedisCacheClient, self).delete(key), False)

    def get_many(self, keys):
        return self._guard(lambda: super(ReusingRedisCacheClient, self).get_many(keys), {})

    def has_key(self, key):
        return self._guard(lambda: super(ReusingRedisCacheClient, self).has_key(key), False)

    def incr(self, key, delta):
        # A throttle that cannot count lets the request through (it reads ValueError as "start again").
        result = self._guard(lambda: super(ReusingRedisCacheClient, self).incr(key, delta), None)
        if result is None:
            raise ValueError("Key not counted: the cache is unavailable.")
        return result

    def set_many(self, data, timeout):
        return self._guard(lambda: super(ReusingRedisCacheClient, self).set_many(data, timeout), None)

    def delete_many(self, keys):
        return self._guard(lambda: super(ReusingRedisCacheClient, self).delete_many(keys), None)

    def clear(self):
        return self._guard(lambda: super(ReusingRedisCacheClient, self).clear(), False)


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient

"""The Redis cache backend, keeping one client per connection pool; and the version keys that
cached HTML is stored under.

Django's RedisCacheClient builds a new `redis.Redis` object for every cache call, and each
one copies about 170 response callbacks into a fresh dict. A page makes two or three cache
calls (the session, the shared course data), so that was a measurable slice of every request.
A `redis.Redis` object holds no connection of its own (it borrows one from the pool per
command) and is safe to share, so the client is built once per pool and reused.
"""

import time

from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
from django.db import transaction


class ReusingRedisCacheClient(RedisCacheClient):
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


# --- version keys --------------------------------------------------------------------------
# HTML shared between requests (the gallery list, an entry's comment threads) is cached under
# keys that include one or more versions; a change gives a version a new value, so the old
# copies are never read again and expire on their own.


def bump_version(key: str) -> None:
    """Give the version a new value now, and again once the current transaction commits, so a
    copy made meanwhile from the rows as they were before the commit is not read afterwards."""
    cache.set(key, time.time_ns(), None)
    transaction.on_commit(lambda: cache.set(key, time.time_ns(), None))


def with_versions(found: dict, keys: list) -> dict:
    """Fill in each version key the cache does not hold (`found`: a get_many result) with a new
    version, stored for the next request: a missing key read as a constant would let HTML
    cached under it come back after the key is bumped and then evicted."""
    for key in keys:
        if key not in found:
            found[key] = time.time_ns()
            cache.add(key, found[key], None)
    return found

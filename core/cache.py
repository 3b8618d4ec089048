"""The Redis cache backend, keeping one client per connection pool.

Django's RedisCacheClient builds a new `redis.Redis` object for every cache call, and each
one copies about 170 response callbacks into a fresh dict. A page makes two or three cache
calls (the session, the shared course data), so that was a measurable slice of every request.
A `redis.Redis` object holds no connection of its own (it borrows one from the pool per
command) and is safe to share, so the client is built once per pool and reused.
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


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

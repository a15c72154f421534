"""Django's Redis cache, keeping one redis-py client per connection pool.

Django's ``RedisCacheClient.get_client`` builds a new ``redis.Redis`` for
every cache call. Building one copies redis-py's table of some 170 response
callbacks, which costs more than the cache read it serves: a cached page or
API answer, one cache read, paid for it on every hit. A ``redis.Redis`` is
safe to share between threads (connections come from its pool, which also
starts afresh in a forked process), so one per pool is kept and reused.
"""

from __future__ import annotations

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class ReusedRedisCacheClient(RedisCacheClient):
    """Django's client, building each redis-py client once per connection pool."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        """The shared redis-py client of the pool Django would pick."""
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ReusedClientRedisCache(RedisCache):
    """``django.core.cache.backends.redis.RedisCache`` with ``ReusedRedisCacheClient``."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedRedisCacheClient

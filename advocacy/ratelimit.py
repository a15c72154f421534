"""Fixed-window rate limits in the shared cache (Redis when REDIS_URL is set).

Identifiers (a client address, an address hash) are hashed with a key
derived from SECRET_KEY before they become part of a cache key, so the cache
never holds an IP address or an email address.
"""

from __future__ import annotations

import hashlib
import hmac
import time

from django.conf import settings
from django.core.cache import cache


def _digest(identifier: str) -> str:
    key = hashlib.sha256(f"advocacy.ratelimit:{settings.SECRET_KEY}".encode()).digest()
    return hmac.new(key, identifier.encode(), hashlib.sha256).hexdigest()[:32]


def allow(scope: str, identifier: str, limit: int, window: int) -> bool:
    """Count one attempt for ``identifier`` in ``scope``; False once over ``limit`` per ``window`` seconds."""
    bucket = int(time.time() // window)
    key = f"advocacy:rl:{scope}:{_digest(identifier)}:{bucket}"
    cache.add(key, 0, timeout=window + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window + 1)
        count = 1
    return count <= limit

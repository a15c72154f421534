"""Client addresses and fixed-window rate limits in the shared cache (Redis when REDIS_URL is set).

`client_address` is the one answer to "where does this request come from",
used alike by every rate limit (sign-up, the API's throttles) and by the
admin sign-in lockout (django-axes' AXES_CLIENT_IP_CALLABLE). It trusts
X-Forwarded-For only as far as TRUSTED_PROXY_COUNT proxies vouch for it.

Identifiers (a client address, an address hash, a user name) are hashed with
a key derived from SECRET_KEY before they become part of a cache key, so the
cache never holds an IP address or an email address; nothing here logs them.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import time

from django.conf import settings
from django.core.cache import cache


def client_address(request) -> str:
    """The address of the client that sent `request`, as the trusted proxies saw it.

    With no proxy configured (TRUSTED_PROXY_COUNT = 0) this is the address of
    the connection itself, REMOTE_ADDR, and X-Forwarded-For is ignored: anyone
    can write that header. With N proxies in front, each appends the address
    it saw to X-Forwarded-For, so the Nth entry from the right was written by
    the outermost proxy and is the client's; entries further left are the
    client's own claims. A request that reached gunicorn through fewer proxies
    than configured counts as coming from the leftmost entry there is (or from
    REMOTE_ADDR when there is none). A value that is not an IP address falls
    back to REMOTE_ADDR.

    Only ever used hashed (rate limits, lockout keys); never stored or logged.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = [
        entry.strip()
        for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if entry.strip()
    ]
    if not forwarded:
        return remote
    candidate = forwarded[-proxies] if len(forwarded) >= proxies else forwarded[0]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def hashed_identifier(identifier: str) -> str:
    """A keyed hash of `identifier` (keyed by SECRET_KEY) to use in cache keys instead of it."""
    # The key's label (and the cache key prefix in `allow`) keep the names they
    # had when this module lived in advocacy, so counts survive the move.
    key = hashlib.sha256(f"advocacy.ratelimit:{settings.SECRET_KEY}".encode()).digest()
    return hmac.new(key, identifier.encode(), hashlib.sha256).hexdigest()[:32]


def allow(scope: str, identifier: str, limit: int, window: int) -> bool:
    """Count one attempt for ``identifier`` in ``scope``; False once over ``limit`` per ``window`` seconds."""
    bucket = int(time.time() // window)
    key = f"advocacy:rl:{scope}:{hashed_identifier(identifier)}:{bucket}"
    cache.add(key, 0, timeout=window + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window + 1)
        count = 1
    return count <= limit

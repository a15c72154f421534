"""Throttles for the API's write endpoints, counted in the shared cache.

Throttles built on ``WindowThrottle`` apply only to views that set ``throttle_scope`` (the public
reads are served from cache and are not throttled), to every method but
OPTIONS (a CORS preflight does nothing): a subscriber's own reads
(``GET subscriptions/me/``) count too. Rates come from
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]: ``<scope>`` per client address
(here) and ``<scope>-email`` per email address named in the body (advocacy's
EmailThrottle, which knows how addresses are hashed). Counting uses
core.ratelimit, whose cache keys hold keyed hashes, never an address.
"""

from __future__ import annotations

import time

from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle

from core import ratelimit

_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """`"5/hour"` → (5, 3600)."""
    count, _, period = rate.partition("/")
    return int(count), _PERIODS[period.strip()[0]]


class WindowThrottle(BaseThrottle):
    """A fixed-window count per identifier for views with a ``throttle_scope``.

    Subclasses say what they count by (``identifier``) and which rate applies
    (``<scope><suffix>``).
    """

    suffix = ""

    def identifier(self, request) -> str | None:
        """What to count this request against; None means "not counted"."""
        raise NotImplementedError

    def allow_request(self, request, view):
        scope = getattr(view, "throttle_scope", None)
        if not scope or request.method == "OPTIONS":
            return True
        rate = api_settings.DEFAULT_THROTTLE_RATES.get(scope + self.suffix)
        identifier = self.identifier(request)
        if not rate or not identifier:
            return True
        limit, self.window = parse_rate(rate)
        return ratelimit.allow(f"api:{scope}{self.suffix}", identifier, limit, self.window)

    def wait(self):
        window = getattr(self, "window", 60)
        return window - (time.time() % window)


class ClientAddressThrottle(WindowThrottle):
    """Per client address (core.ratelimit.client_address, hashed before it reaches the cache)."""

    def identifier(self, request):
        return ratelimit.client_address(request._request) or "unknown"

"""Heartbeats in the shared cache: "someone is working on this dispatch".

The preparation and each sender loop beat while they work; the sweeper
(``upkeep.requeue_expired``) re-queues work only where nobody beats, so a
lost task is replaced without doubling the ones that are alive. A beat lasts
as long as a claim (ALERT_CLAIM_SECONDS).
"""

from __future__ import annotations

from django.core.cache import cache

from advocacy.dispatching.ledger import claim_seconds

PREPARING = "preparing"
SENDING = "sending"


def _key(activity: str, dispatch_id: int) -> str:
    return f"advocacy:{activity}:{dispatch_id}"


def beat(activity: str, dispatch_id: int) -> None:
    """Say "someone is ``activity`` (PREPARING or SENDING) this dispatch"
    (best effort)."""
    try:
        cache.set(_key(activity, dispatch_id), 1, timeout=claim_seconds())
    except Exception:  # noqa: BLE001 - the cache being down must not stop sending
        pass


def is_beating(activity: str, dispatch_id: int) -> bool:
    """Whether someone beat for ``activity`` on this dispatch within a claim's time."""
    try:
        return cache.get(_key(activity, dispatch_id)) is not None
    except Exception:  # noqa: BLE001 - unknown: assume nobody is working
        return False

"""Waiting for a dispatch that a real worker is sending."""

from __future__ import annotations

import time

from advocacy.dispatching.upkeep import requeue_expired
from advocacy.models import Dispatch


def wait_finished(dispatch: Dispatch, timeout: float = 60, sweep: bool = False) -> Dispatch:
    """Wait until the dispatch finished; with ``sweep`` run the beat sweeper meanwhile."""
    deadline = time.monotonic() + timeout
    last_sweep = 0.0
    while time.monotonic() < deadline:
        dispatch.refresh_from_db()
        if dispatch.status in (Dispatch.Status.FINISHED, Dispatch.Status.CANCELLED):
            return dispatch
        if sweep and time.monotonic() - last_sweep > 1:
            requeue_expired()
            last_sweep = time.monotonic()
        time.sleep(0.2)
    raise AssertionError(
        f"dispatch {dispatch.pk} not finished: {dispatch.status} "
        f"sent={dispatch.sent_count} failed={dispatch.failed_count} total={dispatch.total}"
    )

"""Waiting for a dispatch that a real worker is sending."""

from __future__ import annotations

import time

from advocacy.models import Dispatch


def wait_finished(dispatch: Dispatch, timeout: float = 60) -> Dispatch:
    """Wait until the dispatch finished (or was cancelled) and return it.

    Nothing here moves the dispatch along: the workers do, and where a test
    needs recovery, a real beat process runs the sweeper (tests.support.beat).
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        dispatch.refresh_from_db()
        if dispatch.status in (Dispatch.Status.FINISHED, Dispatch.Status.CANCELLED):
            return dispatch
        time.sleep(0.1)
    raise AssertionError(
        f"dispatch {dispatch.pk} not finished: {dispatch.status} "
        f"sent={dispatch.sent_count} failed={dispatch.failed_count} total={dispatch.total}"
    )

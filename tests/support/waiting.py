"""Waiting for something another process or thread does."""

from __future__ import annotations

import time


def wait_for(condition, timeout: float = 60, message: str = "", interval: float = 0.1):
    """Poll ``condition()`` until it returns something truthy and return that;
    fail naming ``message`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting: {message}")
        time.sleep(interval)

"""Debian's Chromium through Playwright's sync API, on a thread of its own.

Playwright's sync API keeps an asyncio event loop running in the thread that
started it, and Django refuses database calls from a thread with a running
loop. A test that drives the browser against pytest-django's live server and
also reads the test database runs every browser step on this thread instead:
``chromium.run(step, ...)`` calls ``step(browser, ...)`` there and returns
its result (or raises its exception) in the test's thread.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import sync_playwright

from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, LOCAL_HOSTS

# Bounds one browser step (Playwright's own timeouts are shorter).
STEP_TIMEOUT = 120


def keep_to_loopback(route) -> None:
    """Playwright route handler: requests to 127.0.0.1/localhost go on, any other is aborted."""
    if urlsplit(route.request.url).hostname in LOCAL_HOSTS:
        route.continue_()
    else:
        route.abort("blockedbyclient")


class BrowserThread:
    """Chromium launched, used and closed on one worker thread."""

    def __init__(self):
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="chromium")
        self._playwright = None
        self._browser = None

    def start(self) -> BrowserThread:
        """Launch Chromium on the thread; fails when Debian's Chromium is missing."""
        if not Path(CHROMIUM).exists():
            raise RuntimeError(f"{CHROMIUM} is missing: run bin/install-debian-packages")
        self._submit(self._launch)
        return self

    def run(self, step, *args, **kwargs):
        """``step(browser, *args, **kwargs)`` on the browser's thread; its result."""
        return self._submit(step, self._browser, *args, **kwargs)

    def stop(self) -> None:
        """Close Chromium and Playwright, then the thread."""
        try:
            self._submit(self._close)
        finally:
            self._executor.shutdown(wait=True)

    def _submit(self, function, *args, **kwargs):
        return self._executor.submit(function, *args, **kwargs).result(timeout=STEP_TIMEOUT)

    def _launch(self) -> None:
        self._playwright = sync_playwright().start()
        self._browser = self._playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )

    def _close(self) -> None:
        if self._browser is not None:
            self._browser.close()
        if self._playwright is not None:
            self._playwright.stop()

"""Offline reading in the browser tests: what the origin has stored, keeping a
guide, and taking the network away so only the service worker can answer."""

from __future__ import annotations

from playwright.sync_api import Error as PlaywrightError

STORED = """async () => ({
    caches: await caches.keys(),
    workers: (await navigator.serviceWorker.getRegistrations()).length,
})"""
EXIT_RED = "rgb(176, 0, 32)"  # faro.css --exit: proves the stylesheet came along


def stored(page) -> dict:
    """The Cache API's caches and the number of service workers for the page's origin."""
    return page.evaluate(STORED)


def keep(page) -> None:
    page.locator("[data-offline-save]").click()
    page.locator("[data-offline-saved]").wait_for()


def go_offline(context) -> None:
    """No network for the context, its pages and its service worker.

    With `set_offline` alone Chromium still answers from its own HTTP cache
    (a guide is fresh for PUBLIC_MAX_AGE, a minute), which would hide whether
    Faro's worker served a page or a removed guide is gone. Routing every
    request to a lost connection turns that cache off (Playwright does while
    it routes), so only the worker's Cache API copies can answer.
    """
    context.set_offline(True)
    context.route("**/*", lambda route: route.abort("internetdisconnected"))


def offline_open_fails(context, path: str) -> bool:
    page = context.new_page()
    try:
        page.goto(path)
    except PlaywrightError as error:
        # net::ERR_INTERNET_DISCONNECTED, or net::ERR_FAILED when a worker
        # that has no copy passes the failure on.
        return "net::ERR_" in str(error)
    finally:
        page.close()
    return False

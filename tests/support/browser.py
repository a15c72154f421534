"""Debian's Chromium through Playwright: where it is, how it starts, and
browser contexts that record every request they make."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost"}


@dataclass
class RecordedContext:
    """A browser context that remembers every URL it requested."""

    context: object
    requested: list[str] = field(default_factory=list)
    # The browser's reports of anything the page's CSP refused (a script,
    # style or font from another host, an inline script or style attribute):
    # a refused request never reaches `requested`, so it is caught here.
    csp_violations: list[str] = field(default_factory=list)

    def new_page(self):
        return self.context.new_page()

    def foreign_requests(self) -> list[str]:
        return [
            url
            for url in self.requested
            if urlsplit(url).scheme in ("http", "https", "ws", "wss")
            and urlsplit(url).hostname not in LOCAL_HOSTS
        ]

    def check_and_close(self) -> None:
        cookies = self.context.cookies()
        foreign = self.foreign_requests()
        self.context.close()
        assert foreign == [], f"requests left 127.0.0.1: {foreign}"
        assert cookies == [], f"cookies were set: {cookies}"
        assert self.csp_violations == [], self.csp_violations


def open_context(browser, live_site, **options) -> RecordedContext:
    """A new context on `live_site` (anything with a `url`), recording requests and
    the CSP refusals the console reports; Playwright `options` passed on."""
    context = browser.new_context(base_url=live_site.url, **options)
    context.set_default_timeout(15_000)
    recorded = RecordedContext(context)
    context.on("request", lambda request: recorded.requested.append(request.url))
    context.on(
        "console",
        lambda message: (
            recorded.csp_violations.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )
    return recorded

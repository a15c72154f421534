"""The stylesheets and scripts a public page loads, and fetching them, for the
page-weight checks."""

from __future__ import annotations

import urllib.request
from html.parser import HTMLParser


class Assets(HTMLParser):
    """The stylesheets and scripts a page loads."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and "stylesheet" in (attrs.get("rel") or "").split():
            self.urls.append(attrs["href"])
        elif tag == "script" and attrs.get("src"):
            self.urls.append(attrs["src"])


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=30) as response:
        assert response.status == 200, url
        return response.read()

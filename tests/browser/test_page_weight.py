"""Every public page weighs at most 50 KB transferred: HTML, CSS and JS, gzipped.

Each page is fetched from the live server with the stylesheets and scripts it
links on the same origin; each file is gzipped (level 6, what web servers
use) and the sizes added. Images are not counted (the pages have none).
"""

from __future__ import annotations

import gzip
from urllib.parse import urljoin, urlsplit

import pytest

from tests.browser.page_assets import Assets, fetch
from tests.browser.pages import GUIDE

BUDGET_BYTES = 50 * 1024
PAGES = {
    "home": "",
    "guide": GUIDE,
    "card": f"{GUIDE}card/",
    "alert list": "alerts/",
    "subscribe": "subscribe/",
    "search": "search/?q=IDNYC",
    "policy tracker": "policy/",
}


def transferred(live_site, path: str) -> dict[str, int]:
    """Compressed size of the page and of each same-origin file it links."""
    page_url = f"{live_site.url}{path}"
    html = fetch(page_url)
    sizes = {path: len(gzip.compress(html, compresslevel=6))}
    parser = Assets()
    parser.feed(html.decode())
    for link in parser.urls:
        url = urljoin(page_url, link)
        # Anything on another host would break the no-third-party rule anyway.
        assert urlsplit(url).netloc == urlsplit(live_site.url).netloc, url
        sizes[link] = len(gzip.compress(fetch(url), compresslevel=6))
    return sizes


@pytest.mark.parametrize("language", ["en", "ar", "bn"])
@pytest.mark.parametrize("name", list(PAGES))
def test_page_is_under_50_kb_compressed(live_site, name, language):
    sizes = transferred(live_site, f"/{language}/{PAGES[name]}")
    total = sum(sizes.values())
    print(f"weight {name:<10} {language:<3} {total / 1024:5.1f} KB  {sizes}")
    assert total <= BUDGET_BYTES, sizes

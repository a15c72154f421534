"""Whole-page cache for anonymous readers, purged when content is published.

wagtail-cache does not support Wagtail 8, and Django's per-site cache keys
hash the request so entries cannot be purged on publish. Here every entry
carries a site-wide generation number: publishing (or unpublishing, or
editing a snippet or setting) bumps it, which retires every cached page at
once. A guide page embeds snippets and the home page lists guides and
alerts, so purging one URL would leave others stale.

Entries are kept gzip-compressed and sent as they are to clients that accept
gzip (every browser): readers on slow data get a fraction of the bytes, and
a cache hit costs no compression.
"""

from __future__ import annotations

import gzip
import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers

GENERATION_KEY = "page-cache:generation"
# Paths never cached here: the admin, the API (it has its own conditional
# GET), documents (permission checks), static files (WhiteNoise).
EXCLUDED_PREFIXES = ("/admin/", "/api/", "/documents/", "/static/", "/media/")
# Each process remembers the generation this long, saving a cache round trip
# per request; another process's purge is seen within this time.
GENERATION_MEMO_SECONDS = 1.0
_memo: dict[str, float | int] = {"generation": 0, "until": 0.0}


def _generation() -> int:
    now = time.monotonic()
    if now < _memo["until"]:
        return int(_memo["generation"])
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, 1, timeout=None)
        generation = cache.get(GENERATION_KEY, 1)
    _memo.update(generation=generation, until=now + GENERATION_MEMO_SECONDS)
    return generation


def purge_all(**_signal_kwargs) -> None:
    """Retire every cached page (connected to publish and save signals)."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 2, timeout=None)
    _memo["until"] = 0.0


def is_cacheable_request(request: HttpRequest) -> bool:
    """Anonymous GET/HEAD of a public path: no session cookie, not admin or API."""
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and not request.path_info.startswith(EXCLUDED_PREFIXES)
    )


def _key(request: HttpRequest) -> str:
    digest = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return f"page-cache:{_generation()}:{digest}"


def _accepts_gzip(request: HttpRequest) -> bool:
    return "gzip" in request.headers.get("Accept-Encoding", "")


def _response(request: HttpRequest, status: int, headers: list, compressed: bytes) -> HttpResponse:
    if _accepts_gzip(request):
        response = HttpResponse(compressed, status=status)
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(gzip.decompress(compressed), status=status)
    for name, value in headers:
        response[name] = value
    patch_vary_headers(response, ("Accept-Encoding",))
    return response


def fetch(request: HttpRequest) -> HttpResponse | None:
    """The cached response for `request`, or None."""
    if not is_cacheable_request(request):
        return None
    stored = cache.get(_key(request))
    if stored is None:
        return None
    response = _response(request, *stored)
    response["X-Cache"] = "hit"
    return response


def store(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Keep `response` if it is a plain public page nobody marked private.

    Returns the response to send: the stored (compressed) one when kept.
    """
    if not is_cacheable_request(request) or response.status_code != 200 or response.streaming:
        return response
    cache_control = response.get("Cache-Control", "")
    if response.cookies or "private" in cache_control or "no-store" in cache_control:
        return response
    if response.has_header("Content-Encoding"):
        return response
    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        return response
    headers = [
        (name, value)
        for name, value in response.items()
        if name.lower() not in ("set-cookie", "content-length", "content-encoding")
    ]
    entry = (response.status_code, headers, gzip.compress(response.content, compresslevel=6))
    cache.set(_key(request), entry, settings.PAGE_CACHE_SECONDS)
    kept = _response(request, *entry)
    kept["X-Cache"] = "miss"
    return kept

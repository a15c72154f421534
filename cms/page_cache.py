"""Whole-page cache for anonymous readers, purged when content is published.

wagtail-cache does not support Wagtail 8, and Django's per-site cache keys
hash the request so entries cannot be purged on publish. Here every entry
carries a site-wide generation number: publishing (or unpublishing, or
editing a snippet or setting) bumps it, which retires every cached page at
once. A guide page embeds snippets and the home page lists guides and
alerts, so purging one URL would leave others stale.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

GENERATION_KEY = "page-cache:generation"
# Paths never cached here: the admin, the API (it has its own conditional
# GET), documents (permission checks), static files (WhiteNoise).
EXCLUDED_PREFIXES = ("/admin/", "/api/", "/documents/", "/static/", "/media/")


def _generation() -> int:
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, 1, timeout=None)
        generation = cache.get(GENERATION_KEY, 1)
    return generation


def purge_all(**_signal_kwargs) -> None:
    """Retire every cached page (connected to publish and save signals)."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 2, timeout=None)


def is_cacheable_request(request: HttpRequest) -> bool:
    """Anonymous GET/HEAD of a public path: no session cookie, no token in the path."""
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and not request.path_info.startswith(EXCLUDED_PREFIXES)
    )


def _key(request: HttpRequest) -> str:
    digest = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return f"page-cache:{_generation()}:{digest}"


def fetch(request: HttpRequest) -> HttpResponse | None:
    """The cached response for `request`, or None."""
    if not is_cacheable_request(request):
        return None
    stored = cache.get(_key(request))
    if stored is None:
        return None
    status, headers, content = stored
    response = HttpResponse(content, status=status)
    for name, value in headers:
        response[name] = value
    response["X-Cache"] = "hit"
    return response


def store(request: HttpRequest, response: HttpResponse) -> None:
    """Keep `response` if it is a plain public page nobody marked private."""
    if not is_cacheable_request(request) or response.status_code != 200 or response.streaming:
        return
    cache_control = response.get("Cache-Control", "")
    if response.cookies or "private" in cache_control or "no-store" in cache_control:
        return
    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        return
    headers = [(name, value) for name, value in response.items() if name.lower() != "set-cookie"]
    cache.set(
        _key(request),
        (response.status_code, headers, response.content),
        settings.PAGE_CACHE_SECONDS,
    )
    response["X-Cache"] = "miss"

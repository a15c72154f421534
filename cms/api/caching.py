"""Cached API reads with ETag, Last-Modified and 304, purged by a content generation.

`APICacheMiddleware` keeps every successful anonymous GET under /api/v1/
(subscriptions excepted) in the shared cache, keyed by the full path and the
language negotiated from Accept-Language. An entry is valid while two
generation numbers are what they were when it was stored: the page cache's
(bumped on publish, unpublish and snippet saves, see cms.page_cache) and the
API's own (bumped by `connect()` below on the other writes an API answer
depends on: areas, topics, translation approvals and logs, view
restrictions, page moves). A hit costs one cache round trip (the entry and
both generations in one read) and never reaches the view.

A view may shorten the life of its answer by setting ``api_cache_seconds``
on the response (alerts do: an answer must not outlive the next expiry).

Answers are kept gzip-compressed, as the page cache keeps pages, and sent as
they are to clients that accept gzip (``Vary: Accept-Encoding``), so a hit
costs no compression and a reader's app on mobile data gets a fraction of the
bytes. The two encodings are two representations with two ETags (the plain
one, and the same with ``-gzip``), so a conditional GET matches only the
representation the client holds.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date
from wagtail.models import Locale, PageViewRestriction, Site
from wagtail_localize.models import TranslationLog

from advocacy.models import Area, Topic
from cms import page_cache
from core.languages import negotiate
from know_your_rights.models import PolicySource, TranslationApproval

API_GENERATION_KEY = "api-cache:generation"
CACHED_PREFIX = "/api/v1/"
# Writes and per-subscriber answers, and the schema and docs (static per
# deployment, cheap, and the docs set their own headers), are not cached.
UNCACHED_PREFIXES = ("/api/v1/subscriptions/", "/api/v1/schema/", "/api/v1/docs/")
# Headers a stored answer keeps; CORS and security headers are added per request.
KEPT_HEADERS = ("Content-Type", "Content-Language", "Allow")


def bump_generation(**_signal_kwargs) -> None:
    """Retire every cached API answer."""
    try:
        cache.incr(API_GENERATION_KEY)
    except ValueError:
        cache.set(API_GENERATION_KEY, 2, timeout=None)


def is_cacheable(request) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and request.path_info.startswith(CACHED_PREFIX)
        and not request.path_info.startswith(UNCACHED_PREFIXES)
        and "HTTP_AUTHORIZATION" not in request.META
    )


def _key(request) -> str:
    # ?lang= wins over Accept-Language, so only the negotiated language (one
    # of twelve, not the raw header) varies the key.
    language = negotiate(request.headers.get("Accept-Language", ""))
    digest = hashlib.sha256(f"{request.get_full_path()}|{language}".encode()).hexdigest()
    return f"api-cache:{digest}"


def etag_for(content: bytes) -> str:
    """The strong ETag of an uncompressed answer."""
    return '"' + hashlib.sha256(content).hexdigest()[:32] + '"'


def _accepts_gzip(request) -> bool:
    return "gzip" in request.META.get("HTTP_ACCEPT_ENCODING", "")


def _representation(request, compressed: bytes, etag: str) -> tuple[HttpResponse, str]:
    """The answer in the encoding the client accepts, with that encoding's ETag."""
    if _accepts_gzip(request):
        response = HttpResponse(compressed)
        response["Content-Encoding"] = "gzip"
        return response, etag[:-1] + '-gzip"'
    return HttpResponse(gzip.decompress(compressed)), etag


class APICacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_cacheable(request):
            return self.get_response(request)
        key = _key(request)
        # One round trip: the entry and the generations it must match. An
        # entry stored under older generations is stale and is replaced.
        found = cache.get_many([key, page_cache.GENERATION_KEY, API_GENERATION_KEY])
        generations = (
            found.get(page_cache.GENERATION_KEY, 0),
            found.get(API_GENERATION_KEY, 0),
        )
        stored = found.get(key)
        if stored is not None and stored[0] == generations:
            _generations, headers, compressed, etag, last_modified = stored
            response, etag = _representation(request, compressed, etag)
            for name, value in headers:
                response[name] = value
            # A hit skips CommonMiddleware, which would otherwise set it.
            response["Content-Length"] = str(len(response.content))
            response["X-Cache"] = "hit"
            return self._finish(request, response, etag, last_modified)
        response = self.get_response(request)
        if response.status_code != 200 or response.streaming:
            return response
        etag = etag_for(response.content)
        last_modified = int(time.time())
        # mtime=0: the same answer compresses to the same bytes in every process.
        compressed = gzip.compress(response.content, compresslevel=6, mtime=0)
        headers = [(name, response[name]) for name in KEPT_HEADERS if response.has_header(name)]
        timeout = getattr(response, "api_cache_seconds", None)
        timeout = settings.API_CACHE_SECONDS if timeout is None else timeout
        if timeout > 0:
            cache.set(key, (generations, headers, compressed, etag, last_modified), timeout)
        # A miss is sent as a hit would be, so both encodings behave the same.
        sent, etag = _representation(request, compressed, etag)
        for name, value in headers:
            sent[name] = value
        for name, value in response.items():
            if name not in sent and name.lower() not in ("content-length", "content-encoding"):
                sent[name] = value
        sent["Content-Length"] = str(len(sent.content))
        sent["X-Cache"] = "miss"
        return self._finish(request, sent, etag, last_modified)

    @staticmethod
    def _decorate(response, etag: str, last_modified: int) -> None:
        response["ETag"] = etag
        response["Last-Modified"] = http_date(last_modified)
        response["Cache-Control"] = f"public, max-age={settings.PUBLIC_MAX_AGE}"
        patch_vary_headers(response, ("Accept-Language", "Accept-Encoding"))

    def _finish(self, request, response, etag: str, last_modified: int):
        self._decorate(response, etag, last_modified)
        return get_conditional_response(
            request, etag=etag, last_modified=last_modified, response=response
        )


def _bump_for(sender, **kwargs) -> None:
    if sender in _watched_models():
        bump_generation()


@functools.cache
def _watched_models() -> tuple:
    return (
        Area,
        Topic,
        TranslationApproval,
        TranslationLog,
        PageViewRestriction,
        Locale,
        Site,
        PolicySource,
    )


def connect() -> None:
    """Bump the API generation on writes that change API answers but publish nothing."""
    from wagtail.signals import post_page_move

    post_page_move.connect(bump_generation, dispatch_uid="faro-api-cache-moved")
    for signal in (post_save, post_delete):
        signal.connect(_bump_for, dispatch_uid=f"faro-api-cache-{id(signal)}")

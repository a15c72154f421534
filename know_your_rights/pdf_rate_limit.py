"""A per-client budget for the printable PDFs (wallet cards and flyers).

Drawing a PDF costs one to three seconds of CPU, and anyone may ask for one,
so each client address (core.ratelimit.client_address, hashed) gets
PDF_RATE_LIMIT of them per minute, cards and flyers together. A PDF served
from the page cache costs nothing and is not counted.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.http import HttpResponse
from django.utils.translation import gettext as _

from core import ratelimit

WINDOW_SECONDS = 60


def allow_pdf(request) -> bool:
    """Count one PDF for the request's client; False once it is past PDF_RATE_LIMIT this minute."""
    return ratelimit.allow(
        "pdf-client", ratelimit.client_address(request), settings.PDF_RATE_LIMIT, WINDOW_SECONDS
    )


def too_many_pdfs() -> HttpResponse:
    """429 in the active language (the path's), with Retry-After: the seconds left in the minute."""
    response = HttpResponse(
        _("Too many printable files were asked for from your connection. Try again in a minute."),
        status=429,
        content_type="text/plain; charset=utf-8",
    )
    # core.ratelimit counts in fixed windows: the count starts again at the next one.
    response["Retry-After"] = str(WINDOW_SECONDS - int(time.time()) % WINDOW_SECONDS)
    # Not the page cache's public max-age: a shared cache would refuse everyone.
    response["Cache-Control"] = "no-store"
    return response

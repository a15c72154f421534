"""`/offline-sw.js`: the service worker that serves the guides a reader kept.

It lives in this app's static files but is served from the site's root, since
a worker only controls pages under the path it is served from; the
`Service-Worker-Allowed` header says the same for browsers that check it.
`no-cache` makes every phone check for a newer worker each time it asks.
"""

from __future__ import annotations

from pathlib import Path

from django.http import HttpResponse
from django.views.decorators.http import require_safe

WORKER_SCRIPT = Path(__file__).resolve().parent / "static" / "know_your_rights" / "offline-sw.js"


@require_safe
def offline_worker_view(request):
    """The offline-reading worker script, with the headers that let it cover every page."""
    response = HttpResponse(
        WORKER_SCRIPT.read_bytes(), content_type="text/javascript; charset=utf-8"
    )
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response

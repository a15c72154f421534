"""`/a/<code>/`: an alert's short link from a text message (``advocacy.sms.alert_links``).

A current alert redirects (302, not cached: it may expire or move); a
deleted or expired one answers 410 in the code's language with that
language's alerts list; a code never made (or a guide's) answers 404 in
the language negotiated from Accept-Language.
"""

from __future__ import annotations

from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils import translation

from advocacy.sms.alert_links import resolve_alert_link
from core.languages import negotiate


def alert_link_view(request, code: str):
    """Redirect to the alert ``code`` names, or say that it is gone or unknown."""
    target = resolve_alert_link(code)
    if target is None:
        with translation.override(negotiate(request.headers.get("Accept-Language", ""))):
            return _no_store(render(request, "advocacy/alert_link_unknown.html", status=404))
    if target.redirect_to is not None:
        return _no_store(HttpResponseRedirect(target.redirect_to))
    with translation.override(target.language_code):
        return _no_store(
            render(
                request,
                "advocacy/alert_link_gone.html",
                {"alerts_list": target.alerts_list},
                status=410,
            )
        )


def _no_store(response):
    response["Cache-Control"] = "no-cache"
    return response

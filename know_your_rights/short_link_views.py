"""`/g/<code>/`: a guide's short link, with no language prefix (the code names the language).

A known code redirects (302: the guide may move again, so browsers must not
remember the target); a gone guide answers 410 in the code's language with
its guides list; a code never made answers 404 in the language negotiated
from Accept-Language (the path has none), linking every language's guides.
"""

from __future__ import annotations

from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils import translation

from core.languages import bcp47, direction, name_local, negotiate
from know_your_rights.short_links import guides_list_paths, resolve


def short_link_view(request, code: str):
    """Redirect to the guide `code` names, or say that it is gone or unknown."""
    target = resolve(code)
    if target is None:
        language = negotiate(request.headers.get("Accept-Language", ""))
        with translation.override(language):
            return _no_store(
                render(
                    request,
                    "know_your_rights/short_link_unknown.html",
                    {"guide_lists": _every_guides_list()},
                    status=404,
                )
            )
    if target.redirect_to is not None:
        return _no_store(HttpResponseRedirect(target.redirect_to))
    with translation.override(target.language_code):
        return _no_store(
            render(
                request,
                "know_your_rights/short_link_gone.html",
                {"guides_list": target.guides_list},
                status=410,
            )
        )


def _every_guides_list() -> list[dict]:
    return [
        {"url": url, "name": name_local(code), "tag": bcp47(code), "dir": direction(code)}
        for code, url in guides_list_paths().items()
    ]


def _no_store(response):
    # The target can change (a guide moved or published in this language).
    response["Cache-Control"] = "no-cache"
    return response

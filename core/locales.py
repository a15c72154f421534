"""Wagtail's locales, read once per request.

Serving one page asks for locales several times (the page's own, to see
whether routing falls back; the default one, for the review state). The
locales table is a handful of rows, so one query fetches them all and the
request keeps them; outside a request, Wagtail's own lookups are used.
"""

from __future__ import annotations

from django.conf import settings
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale


def request_locales(request) -> dict[int, Locale]:
    """Every Locale by primary key, fetched once for this request."""
    locales = getattr(request, "_faro_locales", None)
    if locales is None:
        locales = {locale.pk: locale for locale in Locale.objects.all()}
        request._faro_locales = locales
    return locales


def request_default_locale(request) -> Locale:
    """The default (source-language) Locale, as `Locale.get_default()` finds it.

    Raises Locale.DoesNotExist when there is none, as Wagtail does.
    """
    code = get_supported_content_language_variant(settings.LANGUAGE_CODE)
    for locale in request_locales(request).values():
        if locale.language_code == code:
            return locale
    raise Locale.DoesNotExist(f"No locale for {code}")

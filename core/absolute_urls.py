"""Absolute addresses on Faro's public site, built from SITE_URL alone.

What carries an absolute address usually outlives the request it was made
for: cached pages and API answers, feeds, emails. It must never take the
Host a request happened to name (any allowed alias, such as `localhost` for
`127.0.0.1`, would then be served to everyone after), nor Wagtail's Site
record where that disagrees with SITE_URL. Every absolute address is made
here (in core, below every app that needs one); the Site record is kept matching
SITE_URL for what Wagtail builds itself (`page.full_url` in its notification
emails).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from wagtail.models import Site


def absolute_url(path: str) -> str:
    """SITE_URL followed by `path`, a site-relative path such as ``/es/alerts/``."""
    # Always below SITE_URL: even "//host/x" becomes SITE_URL + "//host/x".
    if not path.startswith("/"):
        raise ValueError(f"absolute_url needs a path starting with a slash, got {path!r}")
    return f"{settings.SITE_URL}{path}"


def page_url(page, request=None) -> str | None:
    """The public address of a Wagtail page on SITE_URL, with its language prefix.

    None for a page with no public address (the tree's root). `request` only
    saves Wagtail a lookup; it never changes the answer.
    """
    parts = page.get_url_parts(request)
    if not parts or parts[2] is None:
        return None
    return absolute_url(parts[2])


def site_address() -> tuple[str, int]:
    """(hostname, port) of SITE_URL as Wagtail's Site record spells them."""
    parts = urlsplit(settings.SITE_URL)
    return parts.hostname or "localhost", parts.port or (443 if parts.scheme == "https" else 80)


def match_default_site_to_site_url() -> bool:
    """Point Wagtail's default Site at SITE_URL's host and port; return whether it changed.

    Wagtail builds `page.full_url` (its notification emails' "view the page"
    links) from the Site record, which the first migration created as
    `localhost:80`. Run after every `migrate` (cms.apps) and by
    `load_demo_content`, so the record follows SITE_URL wherever it is set.
    Wagtail writes a port other than 80 and 443 with http://, so an https
    SITE_URL should use the standard port.
    """
    hostname, port = site_address()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None or (site.hostname, site.port) == (hostname, port):
        return False
    if Site.objects.filter(hostname=hostname, port=port).exclude(pk=site.pk).exists():
        return False  # another site answers there already; leave both alone
    site.hostname, site.port = hostname, port
    # save() also clears Wagtail's cached site root paths.
    site.save(update_fields=["hostname", "port"])
    return True


def match_site_after_migrate(sender, **kwargs) -> None:
    """post_migrate receiver (connected by cms.apps): `match_default_site_to_site_url`."""
    match_default_site_to_site_url()

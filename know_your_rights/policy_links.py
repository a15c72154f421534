"""Absolute addresses of the policy tracker's public pages, in a given language.

The API, alert drafts and emails carry these: they outlive the request, so
they are built on SITE_URL (``core.absolute_urls``), under the language
prefix of the language asked for, never the one that happens to be active.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import translation

from core.absolute_urls import absolute_url


def change_url(event_id: int, language: str) -> str:
    """The public page of one recorded change, e.g. ``https://…/es/policy/changes/7/``."""
    with translation.override(language):
        return absolute_url(reverse("policy_change", args=[event_id]))

"""Short links to guides: `/g/<code>/` on Faro's own domain, for QR codes and paper.

One code per guide and language (a translation key and a locale), made the
first time something asks for it (a flyer, the API) and never changed: what
is printed keeps working. Codes are random, not derived from the slug or the
title, and name nobody: no per-person or per-flyer identifier.

Making codes is idempotent and safe under concurrent requests: rows are
inserted with ON CONFLICT DO NOTHING and read back, so two requests asking
for the same guide at once get the same code.

Resolving a code follows the guide by translation key and locale, so a moved
or renamed guide keeps its short link; a guide deleted in every language is
gone (410), with the guides list of the code's language to go to instead.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.apps import apps
from django.urls import reverse
from wagtail.models import Locale, Page

from core import languages
from core.absolute_urls import absolute_url
from know_your_rights.models.short_links import ShortLink

# Lower case letters and digits that cannot be mistaken for one another when
# typed from paper (no 0/o, 1/l/i).
CODE_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
# 31**7 ≈ 2.7e10 codes: collisions are rare and guessing a code is pointless.
CODE_LENGTH = 7
# Fresh random codes for the pairs a collision left without one.
MAX_ATTEMPTS = 5

Pair = tuple[uuid.UUID, int]  # (translation_key, locale_id)


def new_code() -> str:
    """A random short code (not derived from anything)."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def short_codes(pairs: Iterable[Pair]) -> dict[Pair, str]:
    """The code of each (translation_key, locale_id), making missing ones.

    One query when every code exists; otherwise an insert that skips rows
    another request made meanwhile (ON CONFLICT DO NOTHING) and a read-back.
    """
    wanted = set(pairs)
    found: dict[Pair, str] = {}
    for _attempt in range(MAX_ATTEMPTS + 1):
        missing = wanted - found.keys()
        if not missing:
            return found
        found.update(_existing_codes(missing))
        missing = wanted - found.keys()
        if not missing:
            return found
        ShortLink.objects.bulk_create(
            [ShortLink(code=new_code(), translation_key=k, locale_id=loc) for k, loc in missing],
            ignore_conflicts=True,
        )
    raise RuntimeError(f"Could not make short codes for {sorted(map(str, missing))}")


def _existing_codes(pairs: set[Pair]) -> dict[Pair, str]:
    keys = {key for key, _locale in pairs}
    locales = {locale_id for _key, locale_id in pairs}
    rows = ShortLink.objects.filter(translation_key__in=keys, locale_id__in=locales).values_list(
        "translation_key", "locale_id", "code"
    )
    return {(key, locale_id): code for key, locale_id, code in rows if (key, locale_id) in pairs}


def short_code(translation_key: uuid.UUID, locale_id: int) -> str:
    """The code of one guide in one language, made if missing."""
    pair = (translation_key, locale_id)
    return short_codes([pair])[pair]


def short_codes_for_pages(pages: Iterable[Page]) -> dict[int, str]:
    """{page id: code} for guide pages, each in its own language (one query when all exist)."""
    pages = list(pages)
    codes = short_codes((page.translation_key, page.locale_id) for page in pages)
    return {page.pk: codes[(page.translation_key, page.locale_id)] for page in pages}


def short_link_path(code: str) -> str:
    """`/g/<code>/`: no language prefix, the code already names the language."""
    return reverse("short_link", args=[code])


def short_link_url(code: str) -> str:
    """The short link on SITE_URL, as printed and put in QR codes."""
    return absolute_url(short_link_path(code))


@dataclass(frozen=True)
class ShortLinkTarget:
    """Where a code leads: `redirect_to` (a path) for a guide; for a gone guide
    `redirect_to` is None and `guides_list` is where to go instead."""

    language_code: str
    redirect_to: str | None
    guides_list: str


def resolve(code: str) -> ShortLinkTarget | None:
    """Where `code` leads, or None for a code that was never made.

    The guide in the code's language if it is live there; else the source
    guide under the code's language prefix, where the locale fallback serves
    it with a "not translated" notice (a flyer printed before the translation
    was published leads to it once it is); else the guide is gone.
    """
    link = ShortLink.objects.select_related("locale").filter(code=code.lower()).first()
    if link is None:
        return None
    language = link.locale.language_code
    guides_list = guides_list_paths().get(language, f"/{language}/")
    versions = {
        page.locale_id: page
        for page in Page.objects.live().filter(translation_key=link.translation_key)
    }
    page = versions.get(link.locale_id)
    if page is not None:
        return ShortLinkTarget(language, page.get_url(), guides_list)
    source = versions.get(Locale.get_default().pk)
    source_path = source.get_url() if source is not None else None
    if source_path:
        return ShortLinkTarget(language, _under_language(source_path, language), guides_list)
    return ShortLinkTarget(language, None, guides_list)


def _under_language(path: str, language: str) -> str:
    """`path` (with the source language's prefix) under `language`'s prefix."""
    prefix = f"/{Locale.get_default().language_code}/"
    if path.startswith(prefix):
        return f"/{language}/{path[len(prefix) :]}"
    return path


def guides_list_paths() -> dict[str, str]:
    """{language code: the guides list in it} for every language Faro serves.

    A language with no list of its own gets the source language's list under
    its prefix (the locale fallback serves it with a notice); with no list at
    all, its home page.
    """
    # Looked up by name: the pages module imports flyers, which import this.
    index_model = apps.get_model("know_your_rights", "GuideIndexPage")
    own = {
        page.locale.language_code: page.get_url()
        for page in index_model.objects.live().select_related("locale")
    }
    source = own.get(Locale.get_default().language_code)
    return {
        code: own.get(code) or (_under_language(source, code) if source else f"/{code}/")
        for code in languages.codes()
    }

"""Language facts for templates and views: names, direction, BCP 47 tags."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import get_language_info
from django.utils.translation.trans_real import (
    get_supported_language_variant,
    parse_accept_lang_header,
)


def codes() -> list[str]:
    """The language codes Faro serves, English first."""
    return [code for code, _name in settings.LANGUAGES]


def bcp47(code: str) -> str:
    """The tag for `lang` and `hreflang` attributes: zh-hans becomes zh-Hans."""
    base, _, script = code.partition("-")
    if script and len(script) == 4:
        return f"{base}-{script.title()}"
    return code


def is_rtl(code: str) -> bool:
    """Whether text in `code` runs right to left (Arabic, Urdu)."""
    return code.split("-")[0] in settings.LANGUAGES_BIDI


def name_local(code: str) -> str:
    """The language's name in itself, as the switcher shows it."""
    return dict(settings.LANGUAGES)[code]


def name_english(code: str) -> str:
    """The language's English name."""
    return get_language_info(code)["name"]


def negotiate(accept_language: str) -> str:
    """The best supported language for an Accept-Language header, else English.

    Only the header counts: Faro never keeps the language in a cookie.
    """
    for tag, _quality in parse_accept_lang_header(accept_language or ""):
        if tag == "*":
            break
        try:
            return get_supported_language_variant(tag.lower())
        except LookupError:
            continue
    return settings.LANGUAGE_CODE

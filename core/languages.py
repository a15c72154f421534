"""The languages Faro publishes in, and facts about them (names, direction, tags).

The list itself (``LANGUAGES``) is read by the settings, so this module
imports nothing that needs the settings or the app registry when it loads:
only Django's lazy ``settings`` and its translation utilities. At run time
the functions read ``settings.LANGUAGES``, which is this list.
"""

from __future__ import annotations

import django.conf.locale
from django.conf import settings
from django.utils.translation import get_language_info
from django.utils.translation.trans_real import (
    get_supported_language_variant,
    parse_accept_lang_header,
)

DEFAULT_LANGUAGE = "en"

# English plus New York City's designated citywide languages (Local Law 30),
# with Chinese in both scripts. Each is named in itself for the switcher.
LANGUAGES = [
    ("en", "English"),
    ("es", "Español"),
    ("zh-hans", "简体中文"),
    ("zh-hant", "繁體中文"),
    ("ru", "Русский"),
    ("bn", "বাংলা"),
    ("ht", "Kreyòl ayisyen"),
    ("ko", "한국어"),
    ("ar", "العربية"),
    ("ur", "اردو"),
    ("fr", "Français"),
    ("pl", "Polski"),
]
RIGHT_TO_LEFT = ["ar", "ur"]

# Django ships no LANG_INFO for Haitian Creole; get_language_info("ht") and
# the admin's language names need one.
HAITIAN_CREOLE_INFO = {
    "bidi": False,
    "code": "ht",
    "name": "Haitian Creole",
    "name_local": "Kreyòl ayisyen",
}


def add_missing_language_info() -> None:
    """Teach Django the languages it has no LANG_INFO for (Haitian Creole).

    Called from the settings, so it holds in every process that loads them.
    """
    django.conf.locale.LANG_INFO.setdefault("ht", HAITIAN_CREOLE_INFO)


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


def direction(code: str) -> str:
    """The `dir` attribute for text in `code`: "rtl" or "ltr"."""
    return "rtl" if is_rtl(code) else "ltr"


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

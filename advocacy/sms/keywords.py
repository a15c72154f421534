"""The keywords a phone may text Faro: STOP, START, HELP and YES, in every
language Faro publishes in.

The words are translatable strings (context "sms keyword"), so the catalogs
carry each language's stop word and translators review them like any other
string; the sets are built at run time by reading every language's catalog
and kept for the life of the process. What a phone sends is compared after
``normalise``: NFKC (full-width letters count as letters), case folded,
spaces and punctuation around it dropped, inner spaces collapsed.
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.utils import translation
from django.utils.translation import pgettext_lazy

__all__ = ["HELP", "OTHER", "START", "STOP", "YES", "Keyword", "classify", "normalise"]

STOP = "stop"
START = "start"
HELP = "help"
YES = "yes"
OTHER = "other"

# In order of precedence: should two languages' words collide, STOP wins.
# Carriers' own synonyms for STOP (CTIA, Twilio's default opt-out words) are
# English words here; translators give each language its own.
WORDS = {
    STOP: [
        pgettext_lazy("sms keyword", "STOP"),
        pgettext_lazy("sms keyword", "STOPALL"),
        pgettext_lazy("sms keyword", "UNSUBSCRIBE"),
        pgettext_lazy("sms keyword", "CANCEL"),
        pgettext_lazy("sms keyword", "END"),
        pgettext_lazy("sms keyword", "QUIT"),
    ],
    START: [
        pgettext_lazy("sms keyword", "START"),
        pgettext_lazy("sms keyword", "UNSTOP"),
    ],
    HELP: [pgettext_lazy("sms keyword", "HELP")],
    YES: [pgettext_lazy("sms keyword", "YES")],
}


@dataclass(frozen=True)
class Keyword:
    """What a text meant: ``kind`` (STOP, START, HELP, YES or OTHER) and the
    language whose word it was ("" for OTHER)."""

    kind: str
    language: str = ""


def _is_edge(character: str) -> bool:
    # Punctuation (P*), separators (Z*), controls and symbols (emoji) around a word.
    return unicodedata.category(character)[0] in "PZCS"


def normalise(text: str) -> str:
    """``text`` as keywords are compared: NFKC, case folded, no spaces or
    punctuation around it, inner runs of spaces made one."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    start, end = 0, len(folded)
    while start < end and _is_edge(folded[start]):
        start += 1
    while end > start and _is_edge(folded[end - 1]):
        end -= 1
    return " ".join(folded[start:end].split())


def without_marks(text: str) -> str:
    """``text`` (normalised) without combining marks, so "SI" matches "Sí" and
    a phone that cannot type accents is still understood."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFKC", bare)


def keyword_word(kind: str, language: str) -> str:
    """The main word for ``kind`` in ``language`` (what replies tell people to text)."""
    with translation.override(language):
        return str(WORDS[kind][0]).upper()


@functools.lru_cache(maxsize=1)
def keyword_table() -> dict[str, Keyword]:
    """Every normalised keyword in every language, mapped to what it means.

    English comes first, so a word several languages share (STOP) answers in
    English unless the number belongs to a subscriber.
    """
    languages = [code for code, _name in settings.LANGUAGES]
    table: dict[str, Keyword] = {}
    for kind, words in WORDS.items():
        for language in languages:
            with translation.override(language):
                for word in words:
                    key = normalise(str(word))
                    table.setdefault(key, Keyword(kind, language))
                    table.setdefault(without_marks(key), Keyword(kind, language))
    table.pop("", None)
    return table


def classify(text: str) -> Keyword:
    """What a whole incoming text means: a keyword in some language, or OTHER."""
    table = keyword_table()
    text = normalise(text)
    return table.get(text) or table.get(without_marks(text), Keyword(OTHER))

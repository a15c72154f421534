"""What a reader typed into a search box, reduced to words a full-text backend cannot misread.

Wagtail's database search backend hands each word to the database's
full-text engine, whose query syntax gives meaning to quotes, parentheses,
``& | ! : * \\`` and the like: SQLite's FTS5 fails on an unbalanced quote,
PostgreSQL's ``to_tsquery`` reads operators. Readers search for words, so
only letters, marks and digits are kept, in every script (a Bengali vowel
sign is a mark, not punctuation); everything else separates words.
"""

from __future__ import annotations

import unicodedata

# Longer queries are cut: nobody types more to find a guide, and it bounds
# the cost of a hostile query.
MAX_SEARCH_LENGTH = 100


def _keeps(character: str) -> bool:
    return unicodedata.category(character)[0] in "LMN"


def search_words(raw: str | None, max_length: int = MAX_SEARCH_LENGTH) -> str:
    """The words of ``raw`` separated by single spaces, at most ``max_length`` characters.

    Punctuation, symbols and control characters become spaces, so the result
    holds no full-text query syntax; it may be empty (then nothing matches).
    """
    cleaned = "".join(c if _keeps(c) else " " for c in (raw or "")[: max_length * 4])
    words = " ".join(cleaned.split())[:max_length]
    return words.strip()

"""The term base: one rendering per language for each legal term of the guides.

seed/terms/en.json lists the terms (warrant, detainer, felony, custody, …) and
the modal phrases ("said", "does not ask", "can raise") with a pattern that
finds each in an English string. seed/terms/<language>.json says how that
language renders each one: the chosen words, the allowed inflections (`forms`)
and the renderings that must not be used (`forbidden`). They are plain JSON so
a reviewer can read and change them like a message catalog.

`term_problems` checks one translated string against its English; the seed's
review notes (`review_note`) show translators the renderings a segment needs.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path

TERMS_DIR = Path(__file__).resolve().parent / "seed" / "terms"


@dataclass(frozen=True)
class Term:
    """A legal term or modal phrase, as found in English."""

    key: str
    english: re.Pattern
    kind: str  # "term" or "modality"
    means: str


@dataclass(frozen=True)
class Rendering:
    """How one language renders one term."""

    key: str
    rendering: str
    forms: tuple[re.Pattern, ...]
    forbidden: tuple[re.Pattern, ...]
    note: str


@dataclass(frozen=True)
class TermProblem:
    """A translated string that does not render a term as the term base says."""

    term: str
    problem: str

    def __str__(self) -> str:
        return f"{self.term}: {self.problem}"


def _compile(pattern: str) -> re.Pattern:
    return re.compile(pattern, re.IGNORECASE)


@functools.cache
def english_terms() -> dict[str, Term]:
    """Every term of the term base, keyed by its name, in the file's order."""
    data = json.loads((TERMS_DIR / "en.json").read_text(encoding="utf-8"))
    return {
        key: Term(key, _compile(item["english"]), item["kind"], item["means"])
        for key, item in data["terms"].items()
    }


@functools.cache
def term_base(language_code: str) -> dict[str, Rendering]:
    """One language's renderings, keyed by term name."""
    data = json.loads((TERMS_DIR / f"{language_code}.json").read_text(encoding="utf-8"))
    return {
        key: Rendering(
            key,
            item["rendering"],
            tuple(_compile(form) for form in item["forms"]),
            tuple(_compile(form) for form in item["forbidden"]),
            item.get("note", ""),
        )
        for key, item in data["terms"].items()
    }


def terms_in(english: str) -> list[Term]:
    """The terms an English string uses."""
    return [term for term in english_terms().values() if term.english.search(english)]


def term_problems(language_code: str, english: str, translated: str) -> list[TermProblem]:
    """How `translated` departs from the term base for the terms `english` uses.

    A term is missing when none of its allowed forms appears; a forbidden
    rendering counts unless it is the allowed form of another term the English
    also uses (Arabic "مذكرة" is wrong for a warrant, right for the memo).
    """
    base = term_base(language_code)
    found = [base[term.key] for term in terms_in(english)]
    problems = []
    for rendering in found:
        if rendering.forms and not any(form.search(translated) for form in rendering.forms):
            problems.append(
                TermProblem(rendering.key, f"expected {rendering.rendering or rendering.key!r}")
            )
        others = [form for other in found if other is not rendering for form in other.forms]
        for bad in rendering.forbidden:
            for match in bad.finditer(translated):
                if not any(form.search(match.group(0)) for form in others):
                    problems.append(TermProblem(rendering.key, f"uses {match.group(0)!r}"))
    return problems


# What every translator of Faro's guides must keep, whatever the string.
MODALITY_RULES = "Keep the English modality: should ≠ must, can ≠ will, said ≠ promised."


def review_note(language_code: str, english: str, limit: int = 255) -> str:
    """A short note for the translator of one segment: the modality rule and the
    term-base renderings this string needs. Fits in `limit` characters."""
    base = term_base(language_code)
    parts = [MODALITY_RULES]
    for term in terms_in(english):
        rendering = base[term.key]
        if term.kind == "term":
            parts.append(f"{term.key} = {rendering.rendering}")
        else:
            parts.append(term.key)
    note = " · ".join(parts)
    return note if len(note) <= limit else note[: limit - 1] + "…"

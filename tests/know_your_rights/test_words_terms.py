"""One word for each legal term in each language: the term base and its check.

The term base (know_your_rights/seed/terms/) says how each language renders
warrant (judicial, administrative), detainer, felony, convicted, custody,
civil immigration law, memo, summons, desk appearance ticket, hold and
violent, and which modal phrases must keep their English force. These tests
read every seeded guide and statement in every language next to its English
and fail on any other rendering.
"""

from __future__ import annotations

import json
import re

import pytest
from django.conf import settings
from wagtail.models import Locale
from wagtail_localize.models import StringTranslation

from know_your_rights.models import GuidePage, PolicySource, PolicyStatement
from know_your_rights.seed import TRANSLATIONS_DIR
from know_your_rights.seeding import english_strings
from know_your_rights.terms import TERMS_DIR, english_terms, term_base, term_problems

LANGUAGES = [code for code, _name in settings.LANGUAGES]
TRANSLATED = [code for code in LANGUAGES if code != settings.LANGUAGE_CODE]
LISTED_TERMS = {
    "judicial warrant",
    "administrative warrant",
    "warrant",
    "detainer",
    "felony",
    "convicted",
    "custody",
    "civil immigration law",
    "memo",
    "summons",
    "desk appearance ticket",
}


def test_the_english_term_list_names_every_term_and_finds_each_in_the_seed():
    terms = english_terms()
    assert LISTED_TERMS <= set(terms)
    english = english_strings()
    for term in terms.values():
        assert any(term.english.search(text) for text in english), term.key


@pytest.mark.parametrize("code", TRANSLATED)
def test_each_language_renders_every_term_and_lists_its_inflections(code):
    base = term_base(code)
    assert set(base) == set(english_terms())
    for key in LISTED_TERMS:
        rendering = base[key]
        assert rendering.rendering and rendering.forms, (code, key)
        # The chosen rendering is itself one of the allowed forms.
        assert any(form.search(rendering.rendering) for form in rendering.forms), (code, key)
    data = json.loads((TERMS_DIR / f"{code}.json").read_text(encoding="utf-8"))
    assert data["language"] == code


@pytest.mark.parametrize(
    ("code", "english", "translated", "term"),
    [
        # Spanish made a detainer an "order" and a "retention".
        (
            "es",
            "NYPD and ICE: warrants and detainers",
            "El NYPD y ICE: órdenes y retenciones",
            "detainer",
        ),
        # Polish: one word (nakaz) for a desk appearance ticket and a warrant.
        (
            "pl",
            "If you get a summons or a desk appearance ticket, keep the paper.",
            "Jeśli dostaniesz wezwanie (summons) lub nakaz stawiennictwa, zachowaj ten papier.",
            "desk appearance ticket",
        ),
        (
            "pl",
            "convicted of a violent or serious felony",
            "skazana za brutalne przestępstwo",
            "violent",
        ),
        ("bn", "a violent or serious felony", "সহিংস বা গুরুতর অপরাধে", "felony"),
        ("ur", "to hold a person", "کسی شخص کو روکنے", "hold"),
        (
            "zh-hans",
            "can raise the risk of deportation",
            "会增加被驱逐出境的风险",
            "can raise (not will raise)",
        ),
        ("ru", "what the NYPD said it will do", "что NYPD обещала делать", "said (not promised)"),
        (
            "fr",
            "does not enforce civil immigration law",
            "n'applique pas le droit civil de l'immigration",
            "civil immigration law",
        ),
        (
            "ar",
            "The NYPD does not act on ICE administrative warrants.",
            "لا تنفّذ المذكرات الإدارية الصادرة عن ICE.",
            "warrant",
        ),
        (
            "es",
            "They said it does not ask about your status.",
            "Dijeron que no deben preguntar por su estatus.",
            "does not ask (stated practice, not a rule)",
        ),
    ],
)
def test_a_different_rendering_is_caught(code, english, translated, term):
    assert term in {problem.term for problem in term_problems(code, english, translated)}


def test_the_memo_word_is_not_a_warrant_problem_when_the_english_names_the_memo():
    english = "The memo names administrative warrants."
    assert term_problems("ar", english, "تذكر المذكرة الأوامر الإدارية.") == []
    assert term_problems("ar", english, "تذكر المذكرة المذكرات الإدارية.") != []


@pytest.mark.parametrize("code", TRANSLATED)
def test_the_seed_translations_follow_the_term_base(code):
    strings = json.loads((TRANSLATIONS_DIR / f"{code}.json").read_text(encoding="utf-8"))
    problems = {
        english: [str(p) for p in term_problems(code, english, strings[english])]
        for english in english_strings()
    }
    assert {english: found for english, found in problems.items() if found} == {}


def _block_texts(block) -> dict[str, str]:
    """Block id / field → text, for every text a reader sees in one guide block."""
    value, texts = block.value, {}
    if block.block_type == "right":
        texts = {name: value.get(name) or "" for name in ("right", "say", "avoid")}
    elif block.block_type == "callout":
        texts = {"heading": value.get("heading") or "", "text": str(value.get("text") or "")}
    elif block.block_type == "steps":
        texts = {"heading": value.get("heading") or ""}
        texts.update({f"step {n}": str(step) for n, step in enumerate(value["steps"])})
    return {f"{block.id} {name}": re.sub(r"<[^>]+>", "", text) for name, text in texts.items()}


def _pairs(code: str) -> list[tuple[str, str, str]]:
    """(where, English, translation) for every seeded guide, statement and source text."""
    english = Locale.get_default()
    locale = Locale.objects.get(language_code=code)
    pairs = []
    fields = {
        PolicyStatement: ("summary", "attribution", "named_contact"),
        PolicySource: ("title", "issuer", "text_attribution"),
        GuidePage: ("title", "situation", "summary"),
    }
    for model, names in fields.items():
        sources = {obj.translation_key: obj for obj in model.objects.filter(locale=english)}
        for obj in model.objects.filter(locale=locale):
            source = sources[obj.translation_key]
            pairs += [
                (f"{source} {name}", getattr(source, name), getattr(obj, name)) for name in names
            ]
            if model is GuidePage:
                source_blocks = {}
                for block in source.body:
                    source_blocks.update(_block_texts(block))
                for block in obj.body:
                    for where, text in _block_texts(block).items():
                        pairs.append((f"{source.slug} {where}", source_blocks[where], text))
    return pairs


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_seeded_guide_and_statement_uses_one_word_per_term(seeded, code):
    pairs = _pairs(code)
    assert len(pairs) >= 80  # titles, summaries and every block text of 4 guides, 8 statements
    problems = [
        (where, str(problem))
        for where, english, translated in pairs
        for problem in term_problems(code, english, translated)
    ]
    assert problems == []


def test_translators_see_the_terms_and_the_modality_rule_beside_each_seeded_segment(seeded):
    spanish = Locale.objects.get(language_code="es")
    detainer_strings = StringTranslation.objects.filter(
        locale=spanish, translation_of__data__contains="detainer"
    )
    assert detainer_strings.exists()
    for string in detainer_strings:
        note = string.get_comment()
        assert "detainer = solicitud de retención" in note
        assert "should ≠ must, can ≠ will, said ≠ promised" in note

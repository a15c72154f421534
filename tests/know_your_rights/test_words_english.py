"""The English guides and statements say what their source says, and no more.

Each case names the sentence of the memo (or of the Patch article) a
statement or a guide block rests on, checks that the seeded source text holds
that sentence word for word, then checks the English Faro shows: the
qualifiers the source gives are there, and the overclaims a review found
("only", "signed by a judge", "should not ask", facts stated without their
source) are not.
"""

from __future__ import annotations

import re

import pytest

from know_your_rights.seed import SEED_DIR
from know_your_rights.seed.memo import GUIDES, STATEMENTS

MEMO = (SEED_DIR / "nypd_memo_2017.txt").read_text(encoding="utf-8")
ARTICLE = (SEED_DIR / "patch_article_excerpts.txt").read_text(encoding="utf-8")

DETAINER_SENTENCES = [
    "However, the NYPD does and will continue to honor federal immigration detainers when "
    "there is a risk to public safety.",
    "Pursuant to New York City law, the NYPD detains for federal authorities individuals in "
    "our custody who have been convicted of a violent or serious felony, or are on the "
    "terrorist watch list and a judicial warrant has been issued.",
]
ADMINISTRATIVE_WARRANT_SENTENCE = (
    "Specifically, this department does not enforce administrative warrants issued by "
    "Immigration and Custom Enforcement agents or federal immigration judges solely in "
    "connection with civil immigration violations."
)
NO_INQUIRY_SENTENCE = (
    "The NYPD does not inquire about the immigration status of crime victims, witnesses, or "
    "others who call or approach the police seeking assistance."
)
FINGERPRINT_SENTENCE = (
    "Every arrest produces fingerprints that are sent to federal law enforcement officials"
)
SMALL_CRIMES_SENTENCE = (
    "With small crimes like these on their records, undocumented immigrants are more "
    "vulnerable to deportation under Trump."
)
RAIDS_SENTENCE = "The federal immigration authorities can conduct raids throughout our city."
REVIEW_SENTENCE = (
    "This command has been tasked with reviewing federal immigration detainer requests in "
    "consultation with the Legal Bureau."
)

# What the review found the English said beyond the memo.
DETAINER_OVERCLAIMS = [r"\bonly\b", r"signed by a judge", r"\bmust\b", r"a few cases"]


def _statement(key: str) -> dict:
    return next(statement for statement in STATEMENTS if statement["key"] == key)


def _texts_citing(key: str) -> list[str]:
    """The English a reader sees beside a citation of statement `key` in any guide."""
    texts = []
    for guide in GUIDES:
        for _block_type, value in guide["body"]:
            if value.get("statement") == key:
                texts.append(value.get("right") or value.get("text"))
    assert texts, f"no guide cites {key}"
    return texts


def _has(text: str, *phrases: str) -> None:
    for phrase in phrases:
        assert phrase.lower() in text.lower(), f"{phrase!r} missing from: {text}"


def _lacks(text: str, *patterns: str) -> None:
    for pattern in patterns:
        assert not re.search(pattern, text, re.IGNORECASE), f"{pattern!r} in: {text}"


def test_the_memo_file_holds_each_sentence_the_statements_cite():
    for sentence in [
        *DETAINER_SENTENCES,
        ADMINISTRATIVE_WARRANT_SENTENCE,
        NO_INQUIRY_SENTENCE,
        REVIEW_SENTENCE,
    ]:
        assert sentence in MEMO
    for sentence in [FINGERPRINT_SENTENCE, SMALL_CRIMES_SENTENCE, RAIDS_SENTENCE]:
        assert sentence in ARTICLE


def test_detainers_rest_on_the_memo_detainer_sentences_and_say_no_more():
    """Memo: "…honor federal immigration detainers when there is a risk to public safety.
    Pursuant to New York City law, the NYPD detains … individuals in our custody who have
    been convicted of a violent or serious felony, or are on the terrorist watch list and a
    judicial warrant has been issued." """
    statement = _statement("detainers-narrow")
    assert statement["quote"] == " ".join(DETAINER_SENTENCES)
    for text in [statement["summary"], *_texts_citing("detainers-narrow")]:
        _has(
            text,
            "detainers",
            "risk to public safety",
            "custody",
            "convicted of a violent or serious felony",
            "terrorist watch list",
            "judicial warrant has been issued",
        )
        _lacks(text, *DETAINER_OVERCLAIMS)
    guide = next(guide for guide in GUIDES if guide["slug"] == "nypd-and-ice")
    _lacks(guide["summary"], *DETAINER_OVERCLAIMS)
    _has(guide["summary"], "risk to public safety")


def test_administrative_warrants_include_those_of_immigration_judges():
    """Memo: "…does not enforce administrative warrants issued by Immigration and Custom
    Enforcement agents or federal immigration judges solely in connection with civil
    immigration violations." """
    statement = _statement("no-civil-enforcement")
    assert ADMINISTRATIVE_WARRANT_SENTENCE in statement["quote"]
    texts = [statement["summary"], *_texts_citing("no-civil-enforcement")]
    warrant_texts = [text for text in texts if "administrative warrants" in text]
    assert warrant_texts
    for text in warrant_texts:
        _has(text, "ICE agents", "federal immigration judges", "only a civil immigration violation")
    guide = next(guide for guide in GUIDES if guide["slug"] == "nypd-and-ice")
    _has(guide["summary"], "ICE agents", "federal immigration judges")
    _lacks(guide["summary"], "signed by a judge")


def test_not_asking_about_status_is_the_nypds_stated_practice_not_a_rule():
    """Memo: "The NYPD does not inquire about the immigration status of crime victims,
    witnesses, or others who call or approach the police seeking assistance." """
    statement = _statement("no-status-questions")
    assert statement["quote"] == NO_INQUIRY_SENTENCE
    texts = [statement["summary"], *_texts_citing("no-status-questions")]
    for text in texts:
        _has(text, "does not ask")
        _lacks(text, r"\bshould\b", r"\bmust\b", r"\bwill not\b")
    for text in _texts_citing("no-status-questions"):
        _has(text, "the NYPD said")


def test_detainer_review_says_what_the_memo_tasks_the_bureau_with():
    """Memo: "This command has been tasked with reviewing federal immigration detainer
    requests in consultation with the Legal Bureau." """
    statement = _statement("detainer-review")
    assert REVIEW_SENTENCE in statement["quote"]
    for text in [statement["summary"], *_texts_citing("detainer-review")]:
        _has(text, "detainer requests", "Legal Bureau")
        _lacks(text, r"\beach\b", r"\bevery\b")


def test_the_fingerprint_claim_is_attributed_to_el_grito_as_patch_reported_it():
    """El Grito's letter, as Patch quotes it: "Every arrest produces fingerprints that are
    sent to federal law enforcement officials" — a report, not NYPD policy."""
    statement = _statement("fingerprints-shared")
    assert statement["quote"] == FINGERPRINT_SENTENCE
    assert statement["kind"] == "reported"
    _has(statement["attribution"], "As reported by Patch", "El Grito", "not NYPD policy")
    guide = next(guide for guide in GUIDES if guide["slug"] == "if-you-are-arrested")
    for text in [statement["summary"], *_texts_citing("fingerprints-shared"), guide["summary"]]:
        _has(text, "El Grito", "wrote")
        _lacks(text, r"^After every arrest", r"^Every arrest")


def test_the_deportation_risk_claim_keeps_its_source_and_scope():
    """Patch: "With small crimes like these on their records, undocumented immigrants are
    more vulnerable to deportation under Trump." """
    statement = _statement("broken-windows-risk")
    assert statement["quote"] == SMALL_CRIMES_SENTENCE
    guide = next(guide for guide in GUIDES if guide["slug"] == "if-you-are-arrested")
    for text in [statement["summary"], *_texts_citing("broken-windows-risk"), guide["summary"]]:
        _has(text, "Patch reported", "for people without papers", "can raise")
        _lacks(text, r"will raise", r"^Small arrests", r"^Arrests for small")
    for text in [statement["summary"], *_texts_citing("broken-windows-risk")]:
        _has(text, "under President Trump")
    _has(guide["summary"], "Neither is NYPD policy")


def test_raids_are_anna_laws_words_as_patch_reported_them():
    """Anna Law to Patch: "The federal immigration authorities can conduct raids throughout
    our city. That can still happen." """
    statement = _statement("ice-raids-anywhere")
    assert RAIDS_SENTENCE in statement["quote"]
    for text in [statement["summary"], *_texts_citing("ice-raids-anywhere")]:
        _has(text, "Anna Law", "told Patch", "can still carry out raids")


@pytest.mark.parametrize("guide", GUIDES, ids=[guide["slug"] for guide in GUIDES])
def test_no_guide_text_keeps_an_overclaim_the_review_found(guide):
    texts = [guide["title"], guide["situation"], guide["summary"]]
    for _block_type, value in guide["body"]:
        texts += [v for k, v in value.items() if k in ("right", "say", "text") and v]
    for text in texts:
        _lacks(
            text,
            r"only with a warrant",
            r"signed by a judge",
            r"should not ask",
            r"does not act on ICE administrative warrants",
        )

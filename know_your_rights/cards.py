"""Wallet cards: a guide's key rights in the reader's language beside English.

The English side is for handing to an officer (as on ILRC's red cards), so it
is always the English source text, clearly marked, even on a translated card.
"""

from __future__ import annotations

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation
from wagtail.models import Locale

from core.languages import bcp47, direction

CARD_CSS = "know_your_rights/card.css"
PDF_CSS = "know_your_rights/card-pdf.css"


def card_rights(page) -> list[dict]:
    """The `right` blocks marked for the card, each with its English source text.

    Translated pages keep the source's block ids (wagtail-localize copies
    them), so each block is matched to its English original by id.
    """
    english_page = None
    if page.locale_id != Locale.get_default().pk:
        english_page = page.get_translation_or_none(Locale.get_default())
        english_page = english_page.specific if english_page else None
    english_blocks = (
        {block.id: block.value for block in english_page.body if block.block_type == "right"}
        if english_page
        else {}
    )
    rights = []
    for block in page.body:
        if block.block_type != "right" or not block.value.get("on_card"):
            continue
        english = english_blocks.get(block.id)
        rights.append(
            {
                "right": block.value["right"],
                "say": block.value.get("say", ""),
                "english_right": english["right"] if english else None,
                "english_say": english.get("say", "") if english else None,
            }
        )
    return rights


def card_context(page) -> dict:
    """Context for the card and its PDF: rights, languages, whether bilingual."""
    language = page.locale.language_code
    rights = card_rights(page)
    return {
        "card_lang_tag": bcp47(language),
        "card_dir": direction(language),
        "card_rights": rights,
        "card_language": language,
        "card_bilingual": any(r["english_right"] for r in rights),
    }


def _local_files_only(url: str):
    """WeasyPrint URL fetcher: a card PDF never reaches another host."""
    from weasyprint.urls import default_url_fetcher

    if not url.startswith("file://"):
        raise ValueError(f"Refusing to fetch {url!r} for a card PDF")
    return default_url_fetcher(url)


def render_card_pdf(request, context: dict) -> bytes:
    """The wallet card as PDF bytes, with fonts for every one of the twelve scripts."""
    from weasyprint import CSS, HTML

    with translation.override(context["card_language"]):
        html = render_to_string("know_your_rights/card_pdf.html", context, request=request)
    stylesheets = [CSS(filename=finders.find(CARD_CSS)), CSS(filename=finders.find(PDF_CSS))]
    return HTML(string=html, url_fetcher=_local_files_only).write_pdf(stylesheets=stylesheets)

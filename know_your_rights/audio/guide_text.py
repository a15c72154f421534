"""What the computer voice reads of a guide: its words, in order, as plain text."""

from __future__ import annotations

import html

from django.utils.html import strip_tags
from wagtail.rich_text import RichText

from know_your_rights.models.pages import GuidePage


def _rich(value) -> str:
    source = value.source if isinstance(value, RichText) else str(value or "")
    # Block elements end a sentence when read aloud.
    for closing in ("</p>", "</li>", "<br>", "<br/>"):
        source = source.replace(closing, f"{closing}\n")
    return html.unescape(strip_tags(source))


def _block_texts(block_type: str, value) -> list[str]:
    if block_type == "right":
        return [value.get("right"), value.get("say"), value.get("avoid")]
    if block_type == "steps":
        return [value.get("heading"), *value.get("steps", [])]
    if block_type == "callout":
        return [value.get("heading"), _rich(value.get("text"))]
    if block_type == "hotline":
        hotline = value.get("hotline")
        named = [hotline.name, hotline.phone] if hotline is not None else []
        return [*named, value.get("note")]
    if block_type == "faq":
        texts = [value.get("heading")]
        for item in value.get("items", []):
            texts += [item.get("question"), _rich(item.get("answer"))]
        return texts
    if block_type == "paragraph":
        return [_rich(value)]
    return []


def guide_plain_text(page: GuidePage) -> str:
    """What the computer voice reads: the guide's title, situation, summary and body, in order.

    Each field is a paragraph (espeak-ng pauses between them); sources and
    labels are left out, since they are not in the reader's words.
    """
    texts = [page.title, page.situation, page.summary]
    for block in page.body:
        texts += _block_texts(block.block_type, block.value)
    paragraphs = (" ".join(str(text).split()) for text in texts if text)
    return "\n\n".join(paragraph for paragraph in paragraphs if paragraph)

"""Every block has a preview value and renders it; rich text is limited."""

from __future__ import annotations

import pytest

from core.rich_text import RICH_TEXT_FEATURES
from know_your_rights.blocks import GuideBodyBlock


@pytest.mark.parametrize("name", list(GuideBodyBlock.base_blocks))
def test_every_block_has_a_preview_that_renders(db, name):
    block = GuideBodyBlock().child_blocks[name]
    value = block.get_preview_value()
    assert value not in (None, "", {}), name
    assert block.get_description()
    html = block.render(value)
    assert html.strip()
    assert "style=" not in html and "<script" not in html


def test_rich_text_is_limited_to_bold_italic_links_and_lists():
    assert RICH_TEXT_FEATURES == ["bold", "italic", "link", "ol", "ul"]
    body = GuideBodyBlock()
    assert body.child_blocks["paragraph"].features == RICH_TEXT_FEATURES
    assert body.child_blocks["callout"].child_blocks["text"].features == RICH_TEXT_FEATURES

"""What a guide's body cites: its policy statements and hotlines.

A guide body is a StreamValue of ``know_your_rights.blocks.GuideBodyBlock``:
``right`` and ``callout`` blocks may cite a PolicyStatement, ``hotline``
blocks name a Hotline. These helpers walk a body; they read blocks and never
query by themselves, beyond the one query per block type in which Wagtail
converts a body's snippet choosers.
"""

from __future__ import annotations

# The block types whose `statement` cites a PolicyStatement.
CITING_BLOCK_TYPES = ("right", "callout")


def statement_instances(body) -> list:
    """Every PolicyStatement object in the body, one per citing block.

    Each block type converts its choosers separately, so the same statement
    cited by a `right` and a `callout` block is two objects: prefetching
    must reach all of them.
    """
    return [
        block.value["statement"]
        for block in body
        if block.block_type in CITING_BLOCK_TYPES and block.value.get("statement") is not None
    ]


def cited_statements(body) -> list:
    """Every PolicyStatement the body's `right` and `callout` blocks cite, in order, once each."""
    seen, found = set(), []
    for block in body:
        if block.block_type in CITING_BLOCK_TYPES and block.value.get("statement") is not None:
            statement = block.value["statement"]
            if statement.pk not in seen:
                seen.add(statement.pk)
                found.append(statement)
    return found


def cited_hotlines(body) -> list:
    """Every Hotline the body's `hotline` blocks name."""
    return [
        block.value["hotline"]
        for block in body
        if block.block_type == "hotline" and block.value.get("hotline") is not None
    ]


def first_citations(body) -> set[str]:
    """Ids of the blocks that cite each statement first.

    The first citation shows the statement in full (with its anchor); later
    ones show a short reference that still carries its status and age.
    """
    seen, first = set(), set()
    for block in body:
        statement = block.value.get("statement") if block.block_type in CITING_BLOCK_TYPES else None
        if statement is not None and statement.pk not in seen:
            seen.add(statement.pk)
            first.add(block.id)
    return first

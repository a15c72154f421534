"""What a guide's body cites: its policy statements and hotlines.

A guide body is a StreamValue of ``know_your_rights.blocks.GuideBodyBlock``:
``right`` and ``callout`` blocks may cite a PolicyStatement, ``hotline``
blocks name a Hotline. These helpers walk a body; they read blocks and never
query by themselves, beyond the one query per block type in which Wagtail
converts a body's snippet choosers (`load_citing_blocks` makes that one
query for both citing block types).
"""

from __future__ import annotations

import copy

from wagtail.blocks import StreamValue

from know_your_rights.models.policy import PolicyStatement

# The block types whose `statement` cites a PolicyStatement.
CITING_BLOCK_TYPES = ("right", "callout")


def load_citing_blocks(body) -> None:
    """Convert the body's `right` and `callout` blocks with one statement query.

    Wagtail converts a lazily loaded body one block type at a time, each
    with its own query for the snippets it chooses; both citing block types
    choose PolicyStatements, so one query can serve both. Blocks already
    converted are left alone. Each citing block gets its own statement
    object, as Wagtail's conversion gives it.
    """
    if not isinstance(body, StreamValue):
        return
    # Wagtail keeps the raw and the converted blocks side by side; a None
    # converted block is one not read yet (only a lazy body has those).
    raw_items, bound = body._raw_data, body._bound_blocks
    pending = [
        index
        for index, item in enumerate(raw_items)
        if bound[index] is None and item["type"] in CITING_BLOCK_TYPES
    ]
    if not pending:
        return
    ids = {raw_items[i]["value"].get("statement") for i in pending} - {None}
    statements = PolicyStatement.objects.in_bulk(ids) if ids else {}
    handed_out = set()
    for block_type in CITING_BLOCK_TYPES:
        child_block = body.stream_block.child_blocks[block_type]
        indexes = [i for i in pending if raw_items[i]["type"] == block_type]
        # Converted without the chooser (it would query), then given its statement.
        values = child_block.bulk_to_python(
            [
                {name: v for name, v in raw_items[i]["value"].items() if name != "statement"}
                for i in indexes
            ]
        )
        for index, value in zip(indexes, values, strict=True):
            statement = statements.get(raw_items[index]["value"].get("statement"))
            if statement is not None:
                if statement.pk in handed_out:
                    statement = copy.copy(statement)
                handed_out.add(statement.pk)
            value["statement"] = statement
            bound[index] = StreamValue.StreamChild(
                child_block, value, id=raw_items[index].get("id")
            )


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

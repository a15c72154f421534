"""What a guide page shows beside its body: sources, notices, review state.

Everything the body cites is fetched in bulk (one query per kind of thing,
whatever the number of blocks), so a long guide costs no more queries than a
short one.
"""

from __future__ import annotations

from django.db.models import prefetch_related_objects

from know_your_rights.blocks import cited_hotlines, cited_statements, statement_instances
from know_your_rights.review import review_state


def guide_context(page) -> dict:
    """Context for a GuidePage: cited statements with their sources, review state.

    Wagtail's StreamField converts every snippet chooser of a block type in
    one query; the sources behind those statements come in one more.
    """
    prefetch_related_objects(statement_instances(page.body), "source")
    statements = cited_statements(page.body)
    cited_hotlines(page.body)  # converts all hotline choosers in one query
    return {
        "first_citations": first_citations(page.body),
        "cited_statements": statements,
        "sources": sources_for(statements),
        "out_of_date_count": sum(1 for s in statements if s.out_of_date),
        "review": review_state(page),
    }


def first_citations(body) -> set[str]:
    """Ids of the blocks that cite each statement first.

    The first citation shows the statement in full (with its anchor); later
    ones show a short reference that still carries its status and age.
    """
    seen, first = set(), set()
    for block in body:
        statement = (
            block.value.get("statement") if block.block_type in ("right", "callout") else None
        )
        if statement is not None and statement.pk not in seen:
            seen.add(statement.pk)
            first.add(block.id)
    return first


def sources_for(statements) -> list[dict]:
    """The documents behind `statements`, each with the statements it backs."""
    by_source: dict[int, dict] = {}
    for statement in statements:
        entry = by_source.setdefault(
            statement.source_id, {"source": statement.source, "statements": []}
        )
        entry["statements"].append(statement)
    return list(by_source.values())

"""What a guide page shows beside its body: sources, notices, review state.

Everything the body cites is fetched in bulk (one query per kind of thing,
whatever the number of blocks), so a long guide costs no more queries than a
short one.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import prefetch_related_objects
from django.utils.translation import get_language_info, to_locale

from know_your_rights.guide_body import (
    cited_hotlines,
    cited_statements,
    first_citations,
    statement_instances,
)
from know_your_rights.models.policy import PolicySource
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
        "sources": sources_for(statements, page.locale),
        "out_of_date_count": sum(1 for s in statements if s.out_of_date),
        "review": review_state(page),
    }


def sources_for(statements, locale=None) -> list[dict]:
    """The documents behind `statements`, each with the statements it backs.

    A translated statement points at the source-language document (the
    source is a synchronised field); with `locale`, each document is shown
    in that language where a translation of it exists (one query), and
    `language` says which language the shown title is in.
    """
    by_source: dict[int, dict] = {}
    for statement in statements:
        entry = by_source.setdefault(
            statement.source_id,
            {
                "source": statement.source,
                # Statements cite the source-language document.
                "language": settings.LANGUAGE_CODE,
                "statements": [],
            },
        )
        entry["statements"].append(statement)
    if locale is not None and by_source:
        translated = {
            source.translation_key: source
            for source in PolicySource.objects.filter(
                translation_key__in={e["source"].translation_key for e in by_source.values()},
                locale=locale,
            )
        }
        for entry in by_source.values():
            version = translated.get(entry["source"].translation_key)
            if version is not None:
                entry["source"], entry["language"] = version, locale.language_code
    for entry in by_source.values():
        # `lang` takes a BCP 47 tag: zh-hans is written zh-Hans.
        entry["language_tag"] = to_locale(entry["language"]).replace("_", "-")
        entry["rtl"] = get_language_info(entry["language"])["bidi"]
    return list(by_source.values())

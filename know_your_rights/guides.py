"""What a guide page shows beside its body: sources, notices, review state.

Everything the body cites is fetched in bulk (one query per kind of thing,
whatever the number of blocks), so a long guide costs no more queries than a
short one.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import Q
from django.utils.translation import get_language, get_language_info, to_locale

from know_your_rights.guide_body import (
    cited_hotlines,
    cited_statements,
    first_citations,
    load_citing_blocks,
    statement_instances,
)
from know_your_rights.models.policy import PolicySource
from know_your_rights.review import review_state
from know_your_rights.update_notice import open_update_notices


def guide_context(page, default_locale_id: int | None = None) -> dict:
    """Context for a GuidePage: cited statements with their sources, review
    state, and the notices of policy changes the guide awaits an update for.

    `default_locale_id` (the source language's Locale) saves a query when
    the caller knows it.

    Wagtail's StreamField converts every snippet chooser of a block type in
    one query; the sources behind those statements, with their translations
    into the page's language, come in one more.
    """
    load_citing_blocks(page.body)
    translated_sources = load_sources(statement_instances(page.body), page.locale_id)
    statements = cited_statements(page.body)
    cited_hotlines(page.body)  # converts all hotline choosers in one query
    return {
        "first_citations": first_citations(page.body),
        "cited_statements": statements,
        "sources": sources_for(statements, translated_sources),
        "out_of_date_count": sum(1 for s in statements if s.out_of_date),
        "review": review_state(page, default_locale_id),
        # A change to a statement it cites: one query, in the reader's language.
        "update_notices": open_update_notices(page.pk, get_language()),
    }


def load_sources(statements, locale_id: int) -> dict[str, PolicySource]:
    """Set each statement's source, and return its versions in ``locale_id``.

    One query fetches the documents the statements cite and their
    translations into ``locale_id`` (with their locale); the result maps a
    document's translation key to its version in that language, where one
    exists.
    """
    ids = {statement.source_id for statement in statements}
    if not ids:
        return {}
    cited = PolicySource.objects.filter(pk__in=ids)
    found = list(
        PolicySource.objects.filter(
            Q(pk__in=ids)
            | Q(locale_id=locale_id, translation_key__in=cited.values("translation_key"))
        ).select_related("locale")
    )
    by_pk = {source.pk: source for source in found}
    for statement in statements:
        statement.source = by_pk[statement.source_id]
    return {source.translation_key: source for source in found if source.locale_id == locale_id}


def sources_for(statements, translated: dict | None = None) -> list[dict]:
    """The documents behind `statements`, each with the statements it backs.

    A translated statement points at the source-language document (the
    source is a synchronised field); with `translated` (from
    `load_sources`), each document is shown in that language where a
    translation of it exists, and `language` says which language the shown
    title is in.
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
    for entry in by_source.values():
        version = (translated or {}).get(entry["source"].translation_key)
        if version is not None:
            entry["source"], entry["language"] = version, version.locale.language_code
        # `lang` takes a BCP 47 tag: zh-hans is written zh-Hans.
        entry["language_tag"] = to_locale(entry["language"]).replace("_", "-")
        entry["rtl"] = get_language_info(entry["language"])["bidi"]
    return list(by_source.values())

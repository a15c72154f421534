"""What the public policy tracker shows, in the reader's language.

Read-only: the rules that record events and mark guides live in
``know_your_rights.tracker``. History lives on the source-language (English)
statement; readers see each statement, source and guide in their language
where a translation exists, and in English (marked with its language)
where not. Every function here costs a fixed number of queries, however many
statements, events or guides there are.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.urls import reverse
from wagtail.models import Page

from core.absolute_urls import absolute_url
from core.languages import bcp47, direction
from know_your_rights.guide_body import CITING_BLOCK_TYPES
from know_your_rights.models import (
    GuidePage,
    GuideUpdateMark,
    PolicyEvent,
    PolicySource,
    PolicyStatement,
)

SOURCE_LANGUAGE = settings.LANGUAGE_CODE
# How many changes the Atom feed carries, newest first.
FEED_LENGTH = 50


@dataclass
class Shown:
    """A translatable record as the reader sees it: in their language where a
    translation exists, else the source. `lang`/`dir` are set only when the
    text is not in the reader's language (for `lang` and `dir` attributes)."""

    item: object
    lang: str = ""
    dir: str = ""


@dataclass
class GuideLink:
    """A guide as the tracker links it: in the reader's language where translated."""

    title: str
    url: str
    lang: str = ""
    dir: str = ""
    # On a change's page: whether this guide still awaits its update.
    needs_update: bool = False


@dataclass
class EventEntry:
    """One event of a statement's history, with its source as the reader sees it."""

    event: PolicyEvent
    source: Shown
    url: str


@dataclass
class StatementEntry:
    """A statement on the tracker: the source-language record (key, status,
    history) and its text in the reader's language."""

    statement: PolicyStatement
    shown: Shown
    url: str
    events: list[EventEntry] = field(default_factory=list)
    guides: list[GuideLink] = field(default_factory=list)

    @property
    def latest(self) -> EventEntry | None:
        return self.events[-1] if self.events else None


@dataclass
class ChangeEntry:
    """One event on its own page: what changed, the statement, the guides it touched."""

    event: EventEntry
    statement: StatementEntry
    superseded_by: StatementEntry | None
    corrects: PolicyEvent | None
    corrections: list[PolicyEvent]
    guides: list[GuideLink]

    @property
    def absolute_url(self) -> str:
        return absolute_url(self.event.url)


def _shown(source_record, local_record, language: str) -> Shown:
    if local_record is not None:
        return Shown(local_record)
    code = source_record.locale.language_code
    if code == language:
        return Shown(source_record)
    return Shown(source_record, bcp47(code), direction(code))


def _translations(model, records, language: str) -> dict:
    """`records`' versions in `language`, keyed by translation key (one query, none for the source)."""
    keys = {record.translation_key for record in records}
    if not keys or language == SOURCE_LANGUAGE:
        return {}
    return {
        record.translation_key: record
        for record in model.objects.filter(
            translation_key__in=keys, locale__language_code=language
        ).select_related("locale")
    }


def _statement_entries(statements: list[PolicyStatement], language: str) -> list[StatementEntry]:
    local = _translations(PolicyStatement, statements, language)
    return [
        StatementEntry(
            statement=statement,
            shown=_shown(statement, local.get(statement.translation_key), language),
            url=reverse("policy_statement", args=[statement.key]),
        )
        for statement in statements
    ]


def _event_entries(events: list[PolicyEvent], language: str) -> list[EventEntry]:
    """Events with their sources in `language` (one query for the sources' translations)."""
    local = _translations(PolicySource, [event.source for event in events], language)
    return [
        EventEntry(
            event=event,
            source=_shown(event.source, local.get(event.source.translation_key), language),
            url=reverse("policy_change", args=[event.pk]),
        )
        for event in events
    ]


def _events_query():
    return PolicyEvent.objects.select_related(
        "source", "source__locale", "superseded_by", "corrects"
    ).order_by("statement_id", "sequence")


def _guide_link(page, local_page, language: str, **extra) -> GuideLink:
    """`local_page` (the guide in `language`) if it exists, else `page` under the
    reader's prefix, where the locale fallback serves it with a notice.

    Slugs are synchronised across translations and every language's home page
    is the site root's child, so the path below the home page is the same in
    every language: no query.
    """
    shown = local_page or page
    below_home = shown.url_path.split("/", 2)[2]
    url = f"/{language}/{below_home}"
    code = shown.locale.language_code
    if code == language:
        return GuideLink(shown.title, url, **extra)
    return GuideLink(shown.title, url, bcp47(code), direction(code), **extra)


def _pick_language(pages, language: str) -> list[tuple]:
    """(source page, page in `language` or None) per guide, in tree order."""
    by_key: dict = {}
    for page in pages:
        entry = by_key.setdefault(page.translation_key, {})
        entry[page.locale.language_code] = page
    picked = []
    for versions in by_key.values():
        local = versions.get(language)
        source = versions.get(SOURCE_LANGUAGE) or local or next(iter(versions.values()))
        picked.append((source, local if local is not source else None))
    picked.sort(key=lambda pair: (pair[1] or pair[0]).title)
    return picked


def _attach_guides(entries: list[StatementEntry], language: str) -> None:
    """Each entry's `guides`: the live, public guides citing the statement (or a
    translation of it), in `language` where translated.

    Reads the bodies of every live guide in `language` and the source
    language (two queries: the view restrictions, then the guides); the
    citations are read from the raw body, without converting any block.
    """
    by_key = {entry.statement.translation_key: entry for entry in entries}
    statement_keys = {entry.statement.pk: entry.statement.translation_key for entry in entries}
    statement_keys.update(
        {
            entry.shown.item.pk: entry.statement.translation_key
            for entry in entries
            if not entry.shown.lang
        }
    )
    guides = (
        GuidePage.objects.live()
        .public()
        .filter(locale__language_code__in={language, SOURCE_LANGUAGE})
        .select_related("locale")
        .order_by("path")
    )
    citing: dict = {key: [] for key in by_key}
    for page in guides:
        cited = {
            statement_keys.get(block["value"].get("statement"))
            for block in page.body.raw_data
            if block["type"] in CITING_BLOCK_TYPES and isinstance(block.get("value"), dict)
        }
        for key in cited - {None}:
            citing[key].append(page)
    for key, pages in citing.items():
        by_key[key].guides = [
            _guide_link(source, local, language)
            for source, local in _pick_language(pages, language)
        ]


def _source_statements():
    return PolicyStatement.objects.filter(locale__language_code=SOURCE_LANGUAGE).select_related(
        "locale", "source", "superseded_by"
    )


def tracker_entries(language: str) -> list[StatementEntry]:
    """Every statement (source-language records, by key), each with its history
    oldest first and the guides citing it, as readers of `language` see them."""
    entries = _statement_entries(list(_source_statements().order_by("key")), language)
    by_pk = {entry.statement.pk: entry for entry in entries}
    events = _event_entries(list(_events_query().filter(statement__in=list(by_pk))), language)
    for entry in events:
        by_pk[entry.event.statement_id].events.append(entry)
    _attach_guides(entries, language)
    return entries


def statement_entry(key: str, language: str) -> StatementEntry | None:
    """The statement keyed `key` (None if there is none), with its history and guides."""
    statement = _source_statements().filter(key=key).first()
    if statement is None:
        return None
    (entry,) = _statement_entries([statement], language)
    entry.events = _event_entries(list(_events_query().filter(statement=statement)), language)
    _attach_guides([entry], language)
    return entry


def _touched_guides(event: PolicyEvent, language: str) -> list[GuideLink]:
    """The live, public guides `event` marked, in `language` where translated,
    each saying whether it still awaits its update (its mark is open)."""
    marks = list(GuideUpdateMark.objects.filter(event=event).select_related("page", "page__locale"))
    public = set(
        Page.objects.filter(pk__in=[mark.page_id for mark in marks])
        .live()
        .public()
        .values_list("pk", flat=True)
    )
    open_pages = {mark.page_id for mark in marks if mark.cleared_at is None}
    pages = [mark.page for mark in marks if mark.page_id in public]
    pages = [page for page in pages if page.locale.language_code in {language, SOURCE_LANGUAGE}]
    return [
        _guide_link(source, local, language, needs_update=(local or source).pk in open_pages)
        for source, local in _pick_language(pages, language)
    ]


def change_entry(event_id: int, language: str) -> ChangeEntry | None:
    """The event `event_id` (None if there is none) as its public page shows it."""
    event = (
        _events_query()
        .select_related("statement", "statement__locale", "statement__source")
        .filter(pk=event_id)
        .first()
    )
    if event is None:
        return None
    statements = [event.statement]
    if event.superseded_by is not None:
        # Loaded by select_related without its locale.
        statements.append(
            PolicyStatement.objects.select_related("locale").get(pk=event.superseded_by_id)
        )
    shown = _statement_entries(statements, language)
    (event_shown,) = _event_entries([event], language)
    return ChangeEntry(
        event=event_shown,
        statement=shown[0],
        superseded_by=shown[1] if len(shown) > 1 else None,
        corrects=event.corrects,
        corrections=list(event.corrections.order_by("sequence")),
        guides=_touched_guides(event, language),
    )


def feed_changes(language: str) -> list[ChangeEntry]:
    """The latest changes and corrections, newest first, for the Atom feed in `language`.

    Each carries its statement as readers of `language` see it; the guides
    and corrections are left empty (the entry's page lists them).
    """
    events = list(
        _events_query()
        .changes()
        .select_related("statement", "statement__locale")
        .order_by("-recorded_at", "-pk")[:FEED_LENGTH]
    )
    statements = {event.statement_id: event.statement for event in events}
    entries = {
        entry.statement.pk: entry
        for entry in _statement_entries(list(statements.values()), language)
    }
    return [
        ChangeEntry(
            event=event_entry,
            statement=entries[event_entry.event.statement_id],
            superseded_by=None,
            corrects=event_entry.event.corrects,
            corrections=[],
            guides=[],
        )
        for event_entry in _event_entries(events, language)
    ]

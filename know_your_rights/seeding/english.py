"""The English content: sources, statements (with their first version in the
tracker), the guide index and the guides, published as an administrative import."""

from __future__ import annotations

import uuid

from wagtail.log_actions import log
from wagtail.models import Locale, Page, PageLogEntry

from know_your_rights.legal_review import assign_legal_review
from know_your_rights.models import (
    GuideIndexPage,
    GuidePage,
    PolicyEvent,
    PolicySource,
    PolicyStatement,
)
from know_your_rights.seed import SEED_DIR
from know_your_rights.seed.memo import (
    EARLIER_SEED_SUMMARIES,
    GUIDES,
    INDEX,
    MEMO_TITLE,
    SOURCES,
    STATEMENTS,
)
from know_your_rights.seeding.report import ADMINISTRATIVE_IMPORT, SeedReport
from know_your_rights.tracker.recording import record_first_version

BLOCK_ID_NAMESPACE = uuid.UUID("6f1c1f5e-3a8e-4d35-9c52-2b9c1e0f7a11")


def _data_file_text(name: str) -> str:
    """A seed data file without its `#` header lines."""
    lines = (SEED_DIR / name).read_text(encoding="utf-8").splitlines()
    return "\n".join(line for line in lines if not line.startswith("#")).strip()


def _stream_data(guide: dict, statements: dict[str, PolicyStatement]) -> list[dict]:
    """The guide body in StreamField's stored form, with stable block ids.

    Stable ids keep a second run from seeing a change, and let the wallet card
    match each translated block to its English original.
    """
    blocks = []
    for index, (block_type, value) in enumerate(guide["body"]):
        block_id = str(uuid.uuid5(BLOCK_ID_NAMESPACE, f"{guide['slug']}/{index}"))
        value = dict(value)
        if "statement" in value:
            key = value["statement"]
            value["statement"] = statements[key].pk if key else None
        if block_type == "steps":
            value["steps"] = [
                {
                    "type": "item",
                    "value": step,
                    "id": str(uuid.uuid5(BLOCK_ID_NAMESPACE, f"{block_id}/{n}")),
                }
                for n, step in enumerate(value["steps"])
            ]
        blocks.append({"type": block_type, "value": value, "id": block_id})
    return blocks


def _publish_imported_page(page: Page) -> None:
    """Publish directly, bypassing the workflow, and say so in the page history."""
    revision = page.save_revision(log_action=False)
    revision.publish(log_action=True, skip_permission_checks=True)
    log(
        instance=page,
        action=ADMINISTRATIVE_IMPORT,
        data={"command": "load_memo_content"},
        revision=revision,
    )


def _seed_wrote_last(page: Page) -> bool:
    """Whether the page's current content is what the seed published (no person edited it)."""
    if page.latest_revision_id is None or page.latest_revision_id != page.live_revision_id:
        return False
    return PageLogEntry.objects.filter(
        page=page, action=ADMINISTRATIVE_IMPORT, revision_id=page.latest_revision_id
    ).exists()


def load_sources_and_statements(
    report: SeedReport,
) -> tuple[list[PolicySource], dict[str, PolicyStatement]]:
    """The two sources and their English statements.

    A statement whose summary is still one an earlier seed wrote is brought up
    to date; one a person has edited is kept as it is (and reported).
    """
    english = Locale.get_default()
    sources = {}
    for data in SOURCES:
        source = PolicySource.objects.filter(title=data["title"], locale=english).first()
        if source is None:
            source = PolicySource.objects.create(
                locale=english,
                title=data["title"],
                kind=data["kind"],
                issuer=data["issuer"],
                date_year=data["date_year"],
                full_text=_data_file_text(data["full_text_file"]),
                text_attribution=data["text_attribution"],
            )
            report.add(f"source {source.title}")
        elif source.kind != data["kind"]:
            # Sources written before kinds existed were all called memos.
            # The kind is synchronised: the translations follow at once.
            PolicySource.objects.filter(translation_key=source.translation_key).update(
                kind=data["kind"]
            )
            source.kind = data["kind"]
            report.updated.append(f"source {source.title}")
        sources[data["title"]] = source
    statements = {}
    for data in STATEMENTS:
        statement = PolicyStatement.objects.filter(key=data["key"], locale=english).first()
        if statement is None:
            statement = PolicyStatement.objects.create(
                locale=english,
                key=data["key"],
                source=sources[data["source"]],
                kind=PolicyStatement.Kind(data["kind"]),
                attribution=data["attribution"],
                quote=data["quote"],
                summary=data["summary"],
                status=PolicyStatement.Status.IN_FORCE,
                as_of_year=data.get("as_of_year"),
                named_contact=data.get("named_contact", ""),
                named_contact_phone=data.get("named_contact_phone", ""),
            )
            report.add(f"statement {statement.key}")
        elif statement.summary != data["summary"]:
            if statement.summary in EARLIER_SEED_SUMMARIES.get(data["key"], []):
                statement.summary = data["summary"]
                statement.save(update_fields=["summary"])
                report.updated.append(f"statement {statement.key}")
            else:
                report.kept.append(f"statement {statement.key}")
        statements[data["key"]] = statement
    return list(sources.values()), statements


def record_first_versions(
    report: SeedReport, sources: list[PolicySource], statements: dict[str, PolicyStatement]
) -> None:
    """Record each memo statement as it stands as its first version in the tracker.

    Source: the memo; effective: the memo's date, as much of it as is known
    (the year). Nothing is verified, so the statements stay "may be out of
    date". Statements that already have a first version are left alone.
    """
    memo = next(source for source in sources if source.title == MEMO_TITLE)
    effective = (memo.date_year, memo.date_month, memo.date_day)
    for key, statement in statements.items():
        if statement.source_id != memo.pk:
            continue
        if statement.events.filter(kind=PolicyEvent.Kind.FIRST_VERSION).exists():
            continue
        record_first_version(statement, source=memo, effective_date=effective)
        report.add(f"first version of statement {key}")


def seed_translates(statements: dict[str, PolicyStatement], report: SeedReport) -> list:
    """The statements whose English is the seed's: their translations are the seed's to write.

    A statement a person has reworded is translated by translators, not by the seed.
    """
    return [s for key, s in statements.items() if f"statement {key}" not in report.kept]


def load_english_pages(report: SeedReport, statements: dict[str, PolicyStatement]) -> list[Page]:
    """The English guide index and guides, published as an administrative import.

    A guide the seed published last and whose text has changed in the seed is
    published again with the new text; one a person has edited is kept (and
    left out of the returned pages, so the seed does not translate it either).
    """
    english = Locale.get_default()
    home = Page.objects.get(depth=2, locale=english).specific
    index = GuideIndexPage.objects.child_of(home).filter(slug=INDEX["slug"]).first()
    if index is None:
        index = GuideIndexPage(title=INDEX["title"], slug=INDEX["slug"], intro=INDEX["intro"])
        home.add_child(instance=index)
        _publish_imported_page(index)
        report.add("page guides")
    assign_legal_review(index)
    guides: list[Page] = []
    for guide in GUIDES:
        wanted = {
            "title": guide["title"],
            "situation": guide["situation"],
            "summary": guide["summary"],
        }
        body = _stream_data(guide, statements)
        page = GuidePage.objects.child_of(index).filter(slug=guide["slug"]).first()
        if page is None:
            page = GuidePage(slug=guide["slug"], body=body, **wanted)
            index.add_child(instance=page)
            _publish_imported_page(page)
            report.add(f"page {guide['slug']}")
        elif any(getattr(page, name) != value for name, value in wanted.items()) or (
            list(page.body.raw_data) != body
        ):
            if _seed_wrote_last(page):
                for name, value in wanted.items():
                    setattr(page, name, value)
                page.body = body
                _publish_imported_page(page)
                report.updated.append(f"page {guide['slug']}")
            else:
                report.kept.append(f"page {guide['slug']}")
        if f"page {guide['slug']}" not in report.kept:
            guides.append(page.pk)
    # Fresh from the database: wagtail-localize compares each page as stored with
    # its last extracted source, and the copies in hand are stale after publishing
    # (the index's child count, the guides' live revision).
    return [GuideIndexPage.objects.get(pk=index.pk)] + [
        GuidePage.objects.get(pk=pk) for pk in guides
    ]

"""What a change touches: the guides citing a statement, in every language, and
their marks until each is updated.

A change (or correction) of a statement's text or status leaves one
GuideUpdateMark on every GuidePage whose body cites the statement or one of
its translations: live guides (as published) and drafts (as last saved), in
every language. A mark is open until:

- English guide: a Legal review workflow on it, started after the mark was
  made, is approved (``clear_after_legal_review``, from the signal receiver);
- translated guide: a person approves the translation (TranslationApproval)
  after the English guide's mark for the same change was cleared
  (``clear_after_translation_approval``).

Citations are found by reading the guides' bodies (their stored JSON), not
Wagtail's reference index: the index is rebuilt after commit (so a change and
the edit it follows in one transaction would miss it) and holds no drafts.
Reading the bodies is one query over the guide pages, whatever the database.
"""

from __future__ import annotations

import datetime
import json
from collections import defaultdict

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.dispatch import Signal
from wagtail.models import Locale, Page, Revision

from know_your_rights.guide_body import CITING_BLOCK_TYPES
from know_your_rights.models.policy import PolicyStatement
from know_your_rights.models.tracker import GuideUpdateMark, PolicyEvent

NEEDS_UPDATE = "needs_update"
AWAITING_TRANSLATION = "awaiting_translation"
DONE = "done"

# Sent once the transaction that made or cleared guide marks commits. Marks are
# written with bulk_create / QuerySet.update (no model signals), and the page
# and API caches show them: the layer that owns the caches (``cms.signals``)
# purges on it.
guide_marks_changed = Signal()


def _announce_marks_changed() -> None:
    transaction.on_commit(lambda: guide_marks_changed.send(sender=GuideUpdateMark))


def guide_page_model():
    """The GuidePage model.

    Looked up in the app registry: the guide pages' module imports the guide
    helpers, which may import this module.
    """
    return apps.get_model("know_your_rights", "GuidePage")


def _statement_ids_in(raw_blocks) -> set[int]:
    """The statement ids a body's stored blocks cite (``right`` and ``callout`` blocks)."""
    if isinstance(raw_blocks, str):
        raw_blocks = json.loads(raw_blocks or "[]")
    found = set()
    for block in raw_blocks or []:
        if block.get("type") in CITING_BLOCK_TYPES:
            value = block.get("value") or {}
            if value.get("statement") is not None:
                found.add(int(value["statement"]))
    return found


def citations_by_page() -> dict[int, set[int]]:
    """page id → the statement ids its body cites, for every guide page in every language.

    Live guides count as published and pending drafts as last saved (a page
    never published keeps its draft on the row). Two queries, whatever the
    number of guides.
    """
    guide_model = guide_page_model()
    cited: dict[int, set[int]] = {}
    drafts = []
    for page in guide_model.objects.only(
        "pk", "body", "live", "has_unpublished_changes", "latest_revision_id"
    ):
        cited[page.pk] = _statement_ids_in(list(page.body.raw_data))
        if page.live and page.has_unpublished_changes and page.latest_revision_id:
            drafts.append(page.latest_revision_id)
    if drafts:
        for revision in Revision.objects.filter(pk__in=drafts).only("object_id", "content"):
            cited[int(revision.object_id)] |= _statement_ids_in(revision.content.get("body"))
    return cited


def _family_ids(statement: PolicyStatement) -> set[int]:
    """The statement and all its translations."""
    return set(
        PolicyStatement.objects.filter(translation_key=statement.translation_key).values_list(
            "pk", flat=True
        )
    )


def guides_citing(statement: PolicyStatement):
    """Every GuidePage (every language, live or draft) citing `statement` or a translation of it.

    Returns a PageQuerySet of GuidePage.
    """
    family = _family_ids(statement)
    pages = [pk for pk, ids in citations_by_page().items() if ids & family]
    return guide_page_model().objects.filter(pk__in=pages)


def mark_guides(event: PolicyEvent) -> list[GuideUpdateMark]:
    """Mark every guide citing the event's statement as needing update for `event`.

    Called by ``recording`` for each change or correction of text or status,
    in the same transaction. One mark per guide page (every language).
    """
    pages = guides_citing(event.statement).values_list("pk", "locale_id")
    marks = [
        GuideUpdateMark(event=event, page_id=pk, locale_id=locale_id, marked_at=event.recorded_at)
        for pk, locale_id in pages
    ]
    created = GuideUpdateMark.objects.bulk_create(marks)
    if created:
        _announce_marks_changed()
    return created


def open_marks_for_pages(page_ids) -> dict[int, list[GuideUpdateMark]]:
    """page id → its open marks, newest change first, in one query.

    Each mark comes with its event, the event's statement and source, so a
    notice can name the change, its date and link to it without more queries.
    Pages without an open mark are absent.
    """
    result: dict[int, list[GuideUpdateMark]] = defaultdict(list)
    marks = GuideUpdateMark.objects.for_notices().filter(page_id__in=list(page_ids))
    for mark in marks:
        result[mark.page_id].append(mark)
    return dict(result)


def clear_after_legal_review(
    page, user, approved_at: datetime.datetime, started_at: datetime.datetime | None = None
) -> int:
    """Clear the English guide's marks that a Legal review approval answers.

    Only marks made before the review started (`started_at`; default:
    `approved_at`) are cleared: a review started before the change could not
    have taken it into account. Returns how many marks were cleared.
    """
    before = started_at or approved_at
    cleared = (
        GuideUpdateMark.objects.open()
        .filter(page_id=page.pk, marked_at__lte=before)
        .update(cleared_at=approved_at, cleared_by=user)
    )
    if cleared:
        _announce_marks_changed()
    return cleared


def clear_after_translation_approval(page, user, approved_at: datetime.datetime) -> int:
    """Clear a translated guide's marks once its English guide was updated first.

    A mark clears when the English guide's mark for the same change was
    cleared before this approval (or the English guide never had one). A
    translation approved while its English guide still needs updating keeps
    its mark. Returns how many marks were cleared.
    """
    english_pages = Page.objects.filter(
        translation_key=page.translation_key, locale_id=Locale.get_default().pk
    ).exclude(pk=page.pk)
    english_still_open = GuideUpdateMark.objects.filter(page__in=english_pages).filter(
        Q(cleared_at__isnull=True) | Q(cleared_at__gt=approved_at)
    )
    cleared = (
        GuideUpdateMark.objects.open()
        .filter(page_id=page.pk, marked_at__lte=approved_at)
        .exclude(event_id__in=english_still_open.values("event_id"))
        .update(cleared_at=approved_at, cleared_by=user)
    )
    if cleared:
        _announce_marks_changed()
    return cleared


def _language_order() -> dict[str, int]:
    return {code: n for n, (code, _name) in enumerate(settings.LANGUAGES)}


def change_impact(events) -> dict[int, list[dict]]:
    """event id → the guides it touches, each with the state of every language.

    Each row is ``{"guide": English GuidePage (or the translation when no
    English guide exists), "languages": [{"locale", "page", "state",
    "last_touched_by", "at"}, …]}`` with the English first, then the
    languages in settings order; rows sorted by guide title. A language's
    state is "needs_update" (the English guide is not updated yet, or this is
    the English guide and it is not), "awaiting_translation" (English
    updated, translation not re-approved) or "done". `last_touched_by` and
    `at`: who cleared the mark and when, or for an open mark whoever last
    saved a revision of the page after the change (None if nobody has).

    Three queries whatever the number of events, guides and languages.
    """
    events = list(events)
    if not events:
        return {}
    default_locale_id = Locale.get_default().pk
    marks = list(
        GuideUpdateMark.objects.filter(event__in=[event.pk for event in events])
        .select_related("page", "locale", "cleared_by", "page__latest_revision__user")
        .order_by("event_id", "pk")
    )
    keys = {mark.page.translation_key for mark in marks}
    english_guides = {
        page.translation_key: page.specific_deferred
        for page in Page.objects.filter(
            translation_key__in=keys, locale_id=default_locale_id
        ).select_related("locale")
    }
    order = _language_order()
    by_event: dict[int, dict] = defaultdict(dict)
    for mark in marks:
        by_event[mark.event_id].setdefault(mark.page.translation_key, []).append(mark)

    result: dict[int, list[dict]] = {}
    for event in events:
        rows = []
        for key, guide_marks in by_event.get(event.pk, {}).items():
            english_mark = next((m for m in guide_marks if m.locale_id == default_locale_id), None)
            english_done = english_mark is None or english_mark.cleared_at is not None
            languages = [
                _language_state(mark, mark is english_mark, english_done) for mark in guide_marks
            ]
            languages.sort(
                key=lambda row: (
                    row["locale"].pk != default_locale_id,
                    order.get(row["locale"].language_code, len(order)),
                )
            )
            guide = english_guides.get(key) or guide_marks[0].page.specific_deferred
            rows.append({"guide": guide, "languages": languages})
        rows.sort(key=lambda row: row["guide"].title)
        result[event.pk] = rows
    return result


def _language_state(mark: GuideUpdateMark, is_english: bool, english_done: bool) -> dict:
    if mark.cleared_at is not None:
        state, who, when = DONE, mark.cleared_by, mark.cleared_at
    else:
        state = AWAITING_TRANSLATION if (not is_english and english_done) else NEEDS_UPDATE
        revision = mark.page.latest_revision
        if revision is not None and revision.created_at >= mark.marked_at:
            who, when = revision.user, revision.created_at
        else:
            who, when = None, None
    return {
        "locale": mark.locale,
        "page": mark.page,
        "state": state,
        "last_touched_by": who,
        "at": when,
    }

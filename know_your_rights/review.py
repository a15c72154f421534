"""Whether a translation still needs a person's review, and whether it is behind.

A translation in any language but the source language "needs review" until a
person with the `approve_translation` permission approves it. The approval is
a separate row (TranslationApproval), so a wagtail-localize sync, which
copies synchronised fields from the source, can never approve a translation.
An approval covers the translation as it was: when the translation is saved
again from its source afterwards (a sync, a new publish from the translation
editor), it needs review again.
"""

from __future__ import annotations

import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import Max
from django.utils import timezone
from wagtail.models import Locale, Page, TranslatableMixin

from know_your_rights.models import TranslationApproval


def _content_type(obj) -> ContentType:
    # Pages are approved as themselves, whatever class the caller holds.
    model = Page if isinstance(obj, Page) else type(obj)
    return ContentType.objects.get_for_model(model)


def is_translation(obj: TranslatableMixin) -> bool:
    """Whether `obj` is in a language other than the default (source) language."""
    return obj.locale_id != Locale.get_default().pk


def last_translated_at(obj: TranslatableMixin) -> datetime.datetime | None:
    """When wagtail-localize last wrote this translation from its source, if ever."""
    return _last_translated([obj]).get((str(obj.translation_key), obj.locale_id))


def _last_translated(objects) -> dict:
    """(translation_key, locale id) → the latest wagtail-localize write, in one query."""
    from wagtail_localize.models import TranslationLog

    rows = (
        TranslationLog.objects.filter(
            source__object_id__in={obj.translation_key for obj in objects},
            locale_id__in={obj.locale_id for obj in objects},
        )
        .values("source__object_id", "locale_id")
        .annotate(latest=Max("created_at"))
    )
    return {(str(row["source__object_id"]), row["locale_id"]): row["latest"] for row in rows}


def needs_review_map(objects, default_locale_id: int | None = None) -> dict[int, bool]:
    """pk → needs review, for many objects of one model in a constant number of queries.

    Source-language content never needs review. A translation needs it until
    approved, and again once it is written from its source after the approval.
    """
    if default_locale_id is None:
        default_locale_id = Locale.get_default().pk
    objects = list(objects)
    translations = [obj for obj in objects if obj.locale_id != default_locale_id]
    result = {obj.pk: False for obj in objects}
    if not translations:
        return result
    approvals = dict(
        TranslationApproval.objects.filter(
            content_type=_content_type(translations[0]),
            object_id__in=[str(obj.pk) for obj in translations],
        ).values_list("object_id", "approved_at")
    )
    written = _last_translated(translations) if approvals else {}
    for obj in translations:
        approved_at = approvals.get(str(obj.pk))
        if approved_at is None:
            result[obj.pk] = True
        else:
            last = written.get((str(obj.translation_key), obj.locale_id))
            result[obj.pk] = last is not None and last > approved_at
    return result


def needs_review(obj: TranslatableMixin) -> bool:
    """True for a translated page or snippet that no person has approved yet.

    Source-language content never needs review. An approval older than the
    translation's last write from its source no longer counts.
    """
    return needs_review_map([obj])[obj.pk]


def approve(obj: TranslatableMixin, user) -> TranslationApproval:
    """Record that `user` checked this translation. Raises ValueError for a source."""
    if not is_translation(obj):
        raise ValueError("Only a translation can be approved; this is the source.")
    approval, _created = TranslationApproval.objects.update_or_create(
        content_type=_content_type(obj),
        object_id=str(obj.pk),
        defaults={"approved_by": user, "approved_at": timezone.now()},
    )
    return approval


def english_updated_at(page: Page) -> datetime.datetime | None:
    """When the source page was published after this translation last synced.

    Returns that publication time (the translation may be behind), or None
    when the translation is up to date, is itself the source, or was not made
    with wagtail-localize.
    """
    from wagtail_localize.models import TranslationSource

    if not is_translation(page):
        return None
    source = (
        TranslationSource.objects.filter(object_id=page.translation_key)
        .exclude(locale_id=page.locale_id)
        .select_related("locale")
        .first()
    )
    if source is None:
        return None
    published = (
        Page.objects.filter(translation_key=page.translation_key, locale_id=source.locale_id)
        .values_list("last_published_at", flat=True)
        .first()
    )
    if published is not None and published > source.last_updated_at:
        return published
    return None


def review_state(page: Page) -> dict:
    """What the page template shows about this page's translation."""
    return {
        "needs_review": needs_review(page),
        "english_updated_at": english_updated_at(page),
    }

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
    from wagtail_localize.models import TranslationLog

    return TranslationLog.objects.filter(
        source__object_id=obj.translation_key, locale_id=obj.locale_id
    ).aggregate(latest=Max("created_at"))["latest"]


def needs_review(obj: TranslatableMixin) -> bool:
    """True for a translated page or snippet that no person has approved yet.

    Source-language content never needs review. An approval older than the
    translation's last write from its source no longer counts.
    """
    if not is_translation(obj):
        return False
    approval = TranslationApproval.objects.filter(
        content_type=_content_type(obj), object_id=str(obj.pk)
    ).first()
    if approval is None:
        return True
    written = last_translated_at(obj)
    return written is not None and written > approval.approved_at


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

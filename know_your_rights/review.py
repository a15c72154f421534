"""Whether a translation still needs a person's review, and whether it is behind.

Two separate facts, each true without any manual step:

- Needs review. A translation in any language but the source language needs
  review until a person with the `approve_translation` permission approves it.
  The approval is a separate row (TranslationApproval), so a wagtail-localize
  sync can never approve a translation. It covers the content as approved: a
  fingerprint of the translated fields is stored with it, every later save of
  the object (translation editor, admin edit after "stop syncing", a script)
  records the fingerprint of what was saved, and the two differ exactly when
  the content changed since the approval.
- Behind its source. When a source (English) page is published or a source
  snippet saved, its wagtail-localize TranslationSource is refreshed at once
  (what "Sync translated pages" does by default): the translation editor shows
  the new English, the Translations report says "Waiting for translations",
  and the translation is behind until it is written again from that source.
  Nothing is published and no translation is overwritten by that refresh.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from functools import cache

from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.expressions import ArraySubquery
from django.core.exceptions import FieldDoesNotExist
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models
from django.db.models import CharField, F, Max, Q, Subquery, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from wagtail.fields import StreamField, StreamValue
from wagtail.models import Locale, Page, TranslatableMixin
from wagtail_localize.fields import get_translatable_fields
from wagtail_localize.models import TranslationLog, TranslationSource

from know_your_rights.guide_body import cited_hotlines, cited_statements
from know_your_rights.models.approvals import TranslationApproval


def _content_type(obj) -> ContentType:
    # Pages are approved as themselves, whatever class the caller holds.
    model = Page if isinstance(obj, Page) else type(obj)
    return ContentType.objects.get_for_model(model)


def is_translation(obj: TranslatableMixin) -> bool:
    """Whether `obj` is in a language other than the default (source) language."""
    return obj.locale_id != Locale.get_default().pk


# --- What an approval covers ---------------------------------------------------


@cache
def content_fields(model) -> tuple[models.Field, ...]:
    """The model's fields a reader sees in a translation (translated and synchronised).

    These are wagtail-localize's translatable fields that are stored on the
    row: the text a translator translates and the values synchronised from the
    source (a quote, a phone number, a status), which a person can still
    change by hand once a translation stops syncing.
    """
    fields = []
    for declared in get_translatable_fields(model):
        try:
            field = model._meta.get_field(declared.field_name)
        except FieldDoesNotExist:  # a declared name that is not a field (e.g. a child relation)
            continue
        if field.concrete and not field.many_to_many:
            fields.append(field)
    return tuple(fields)


def content_fingerprint(obj) -> str:
    """A SHA-256 of the reader-visible content of `obj` as it is in memory.

    Pages are fingerprinted as their specific class, so a generic Page and its
    GuidePage give the same answer.
    """
    if isinstance(obj, Page) and type(obj) is not obj.specific_class:
        obj = obj.specific
    content = {field.name: _comparable(field, obj) for field in content_fields(type(obj))}
    encoded = json.dumps(content, sort_keys=True, ensure_ascii=False, cls=DjangoJSONEncoder)
    return hashlib.sha256(encoded.encode()).hexdigest()


def _comparable(field: models.Field, obj):
    # JSON-shaped values (StreamField blocks) stay data, so their keys are
    # sorted with the rest: PostgreSQL's jsonb gives them back in its own order.
    if isinstance(field, (StreamField, models.JSONField)):
        return field.get_prep_value(field.value_from_object(obj))
    return field.value_to_string(obj)


def _stored(obj):
    """`obj` as the database holds it now (a page's row holds its live content)."""
    if isinstance(obj, Page):
        return Page.objects.get(pk=obj.pk).specific
    return type(obj)._default_manager.get(pk=obj.pk)


def record_translation_saved(instance, update_fields=None) -> None:
    """After a translation is saved, record the fingerprint of what was saved.

    Called for every save of a translated page or snippet, whatever made it.
    A save that writes none of the content fields (Wagtail's draft revisions
    write only bookkeeping fields on the row) changes nothing here.
    """
    fields = content_fields(type(instance))
    if update_fields is not None:
        names = {field.name for field in fields} | {field.attname for field in fields}
        if not names.intersection(update_fields):
            return
    TranslationApproval.objects.filter(
        content_type=_content_type(instance), object_id=str(instance.pk)
    ).update(current_content_hash=content_fingerprint(instance))


def needs_review_map(objects, default_locale_id: int | None = None) -> dict[int, bool]:
    """pk → needs review, for many objects of one model in one query.

    Source-language content never needs review. A translation needs it until
    approved, and again as soon as its content differs from what was approved.
    """
    if default_locale_id is None:
        default_locale_id = Locale.get_default().pk
    objects = list(objects)
    translations = [obj for obj in objects if obj.locale_id != default_locale_id]
    result = {obj.pk: False for obj in objects}
    if not translations:
        return result
    approvals = {
        object_id: approved == current
        for object_id, approved, current in TranslationApproval.objects.filter(
            content_type=_content_type(translations[0]),
            object_id__in=[str(obj.pk) for obj in translations],
        ).values_list("object_id", "approved_content_hash", "current_content_hash")
    }
    for obj in translations:
        result[obj.pk] = not approvals.get(str(obj.pk), False)
    return result


def _translations_by_type(objects, default_locale_id: int) -> dict[ContentType, set[str]]:
    by_type: dict[ContentType, set[str]] = {}
    for obj in objects:
        if obj.locale_id != default_locale_id:
            by_type.setdefault(_content_type(obj), set()).add(str(obj.pk))
    return by_type


def _approved(by_type: dict[ContentType, set[str]]):
    """The approvals that cover `by_type`'s objects as they are now."""
    covered = Q()
    for content_type, ids in by_type.items():
        covered |= Q(content_type=content_type, object_id__in=ids)
    return TranslationApproval.objects.filter(covered).filter(
        approved_content_hash=F("current_content_hash")
    )


def _any_unapproved(by_type: dict[ContentType, set[str]], approved: set[tuple]) -> bool:
    return any(
        (content_type.pk, object_id) not in approved
        for content_type, ids in by_type.items()
        for object_id in ids
    )


def any_needs_review(objects, default_locale_id: int | None = None) -> bool:
    """Whether any of `objects` (of any models) needs review, in one query at most.

    The same answer as asking `needs_review_map` model by model.
    """
    if default_locale_id is None:
        default_locale_id = Locale.get_default().pk
    by_type = _translations_by_type(objects, default_locale_id)
    if not by_type:
        return False
    approved = set(_approved(by_type).values_list("content_type_id", "object_id"))
    return _any_unapproved(by_type, approved)


def needs_review(obj: TranslatableMixin) -> bool:
    """True for a translated page or snippet that no person has approved as it is now.

    Source-language content never needs review.
    """
    return needs_review_map([obj])[obj.pk]


def approve(obj: TranslatableMixin, user) -> TranslationApproval:
    """Record that `user` checked this translation as the database holds it now.

    Raises ValueError for source-language content.
    """
    if not is_translation(obj):
        raise ValueError("Only a translation can be approved; this is the source.")
    fingerprint = content_fingerprint(_stored(obj))
    approval, _created = TranslationApproval.objects.update_or_create(
        content_type=_content_type(obj),
        object_id=str(obj.pk),
        defaults={
            "approved_by": user,
            "approved_at": timezone.now(),
            "approved_content_hash": fingerprint,
            "current_content_hash": fingerprint,
        },
    )
    return approval


def approval_of(obj) -> TranslationApproval | None:
    """The approval recorded for `obj`, if any (it may no longer cover the content)."""
    return (
        TranslationApproval.objects.filter(content_type=_content_type(obj), object_id=str(obj.pk))
        .select_related("approved_by")
        .first()
    )


# --- Translations behind their source ------------------------------------------


def _segment_state(source: TranslationSource) -> tuple:
    """What a translator has to translate from `source`, as comparable values."""
    return (
        set(source.stringsegment_set.values_list("context_id", "string_id")),
        set(source.templatesegment_set.values_list("context_id", "template_id")),
        set(source.relatedobjectsegment_set.values_list("context_id", "object_id")),
        set(source.overridablesegment_set.values_list("context_id", "data_json")),
    )


def refresh_translation_source(instance) -> bool:
    """Refresh wagtail-localize's copy of a source object that has translations.

    This is what "Sync translated pages" does when "Publish immediately" is
    left unticked: the TranslationSource takes the object's current (for a
    page, live) content and its segments, so the translation editor shows the
    new English and the Translations report counts what is untranslated; page
    translations take over the source's view restrictions. No translation is
    written, published or approved, so a translator's work is never
    overwritten and no translated alert can go live through this.

    Returns True when the text to translate changed. When it did not (a
    re-publish of the same text), the source keeps its last-updated time, so
    translations are not reported as behind.
    """
    if not isinstance(instance, TranslatableMixin) or is_translation(instance):
        return False
    source = TranslationSource.objects.filter(
        object_id=instance.translation_key, locale_id=instance.locale_id
    ).first()
    if source is None:  # never submitted for translation
        return False
    before, last_updated_at = _segment_state(source), source.last_updated_at
    source.update_from_db()
    changed = _segment_state(source) != before
    if not changed:
        TranslationSource.objects.filter(pk=source.pk).update(last_updated_at=last_updated_at)
    if isinstance(instance, Page):
        for translation in source.translations.filter(enabled=True).select_related("target_locale"):
            source.update_target_view_restrictions(translation.target_locale)
    return changed


def source_changed_map(
    objects, default_locale_id: int | None = None
) -> dict[int, datetime.datetime]:
    """pk → when the source text changed after the translation was last written from it.

    Only translations that are behind appear. One query whatever the number
    of objects. Translations not made with wagtail-localize never appear.
    """
    if default_locale_id is None:
        default_locale_id = Locale.get_default().pk
    translations = [obj for obj in objects if obj.locale_id != default_locale_id]
    if not translations:
        return {}
    # Each translation log row, grouped by source and target language, with
    # its source's last update: a source never written into a language has
    # no row, and its translations are not behind.
    written = {
        (str(row["source__object_id"]), row["locale_id"]): (
            row["source__last_updated_at"],
            row["latest"],
        )
        for row in TranslationLog.objects.filter(
            source__object_id__in={obj.translation_key for obj in translations},
            source__locale_id=default_locale_id,
            locale_id__in={obj.locale_id for obj in translations},
        )
        .values("source_id", "source__object_id", "source__last_updated_at", "locale_id")
        .annotate(latest=Max("created_at"))
    }
    result = {}
    for obj in translations:
        updated, last_written = written.get((str(obj.translation_key), obj.locale_id), (None, None))
        if last_written is not None and updated > last_written:
            result[obj.pk] = updated
    return result


def english_updated_at(obj: TranslatableMixin) -> datetime.datetime | None:
    """When the source (English) text changed after this translation was last written.

    None when the translation is up to date, is itself the source, or was not
    made with wagtail-localize.
    """
    return source_changed_map([obj]).get(obj.pk)


def last_translated_at(obj: TranslatableMixin) -> datetime.datetime | None:
    """When wagtail-localize last wrote this translation from its source, if ever."""
    return TranslationLog.objects.filter(
        source__object_id=obj.translation_key, locale_id=obj.locale_id
    ).aggregate(latest=Max("created_at"))["latest"]


# --- What a page shows ----------------------------------------------------------


def review_state(page: Page, default_locale_id: int | None = None) -> dict:
    """What the page template shows about this page's translation.

    A guide needs review when it does, or when a policy statement or hotline
    it shows does (a hand edit of a translated statement changes the guide a
    reader sees). `default_locale_id` saves a query when the caller knows it.
    """
    if default_locale_id is None:
        default_locale_id = Locale.get_default().pk
    if page.locale_id == default_locale_id:
        return {"needs_review": False, "english_updated_at": None}
    body = getattr(page, "body", None)
    shown = [page]
    if isinstance(body, StreamValue):
        shown += [*cited_statements(body), *cited_hotlines(body)]
    # What `any_needs_review` and `source_changed_map` would read, in one
    # query: the approvals of everything shown, and when the source text was
    # last updated and last written into this language (one source per
    # object and language).
    by_type = _translations_by_type(shown, default_locale_id)
    source = TranslationSource.objects.filter(
        object_id=page.translation_key, locale_id=default_locale_id
    )
    # ArraySubquery is PostgreSQL's; SQLite (`make run`) reads the approvals
    # in a second query.
    on_postgresql = connection.vendor == "postgresql"
    approved_keys = (
        {
            "approved": ArraySubquery(
                _approved(by_type).values(
                    key=Concat(Cast("content_type_id", CharField()), Value(":"), "object_id")
                )
            )
        }
        if on_postgresql
        else {}
    )
    facts = (
        Locale.objects.filter(pk=page.locale_id)
        .annotate(
            **approved_keys,
            source_updated_at=Subquery(source.values("last_updated_at")[:1]),
            last_written_at=Subquery(
                TranslationLog.objects.filter(source__in=source, locale_id=page.locale_id)
                .order_by("-created_at")
                .values("created_at")[:1]
            ),
        )
        .values(*approved_keys, "source_updated_at", "last_written_at")
        .get()
    )
    if on_postgresql:
        keys = (key.split(":", 1) for key in facts["approved"])
        approved = {(int(content_type_id), object_id) for content_type_id, object_id in keys}
    else:
        approved = set(_approved(by_type).values_list("content_type_id", "object_id"))
    updated, written = facts["source_updated_at"], facts["last_written_at"]
    return {
        "needs_review": _any_unapproved(by_type, approved),
        "english_updated_at": updated if written is not None and updated > written else None,
    }

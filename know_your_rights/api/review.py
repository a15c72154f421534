"""Whether translations need review, for many objects in a constant number of queries.

The same rule as know_your_rights.review.needs_review (which answers for one
object with two queries), asked for a whole list at once.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import Max
from wagtail.models import Page

from know_your_rights.models import TranslationApproval


def needs_review_map(objects, default_locale_id: int) -> dict[int, bool]:
    """pk → needs review, for objects of one model (pages count as Page)."""
    objects = list(objects)
    translations = [obj for obj in objects if obj.locale_id != default_locale_id]
    result = {obj.pk: False for obj in objects}
    if not translations:
        return result
    model = Page if isinstance(translations[0], Page) else type(translations[0])
    content_type = ContentType.objects.get_for_model(model)
    approvals = dict(
        TranslationApproval.objects.filter(
            content_type=content_type, object_id__in=[str(obj.pk) for obj in translations]
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


def _last_translated(objects) -> dict:
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

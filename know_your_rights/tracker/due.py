"""What is due for verification: statements not checked within ``POLICY_REVIEW_DAYS``.

A statement is out of date when it was never verified, was last verified
more than ``POLICY_REVIEW_DAYS`` days ago, or its review date (set by a
verification, or by an editor) has passed: ``PolicyStatement.is_out_of_date``
asks the same of one statement. Guides show "may be out of date" while any
statement they cite is.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone
from wagtail.models import Locale

from know_your_rights.models.policy import PolicyStatement
from know_your_rights.tracker.impact import citations_by_page, guide_page_model


def out_of_date_q(today: datetime.date | None = None) -> Q:
    """The condition, for a PolicyStatement query, of being out of date on `today`."""
    today = today or timezone.localdate()
    cutoff = today - datetime.timedelta(days=settings.POLICY_REVIEW_DAYS)
    return (
        Q(last_verified__isnull=True)
        | Q(last_verified__lt=cutoff)
        | Q(review_due__isnull=False, review_due__lt=today)
    )


def statements_due_for_verification(today: datetime.date | None = None):
    """English statements in force (or changed) that are out of date on `today`.

    Never-verified ones first, then the longest unchecked. Rescinded and
    superseded statements are not listed: a verification says a statement is
    in force, so they cannot be verified (the guides citing them are marked
    for update instead). Use `citing_guides` for the guides resting on each.
    """
    return (
        PolicyStatement.objects.filter(locale_id=Locale.get_default().pk)
        .exclude(status__in=[PolicyStatement.Status.RESCINDED, PolicyStatement.Status.SUPERSEDED])
        .filter(out_of_date_q(today))
        .select_related("source")
        .order_by(F("last_verified").asc(nulls_first=True), "key")
    )


def citing_guides(statements) -> dict[int, list]:
    """statement pk → the English guides citing it (directly or through a translation).

    A translated guide counts as its English guide. Guides sorted by title.
    Four queries whatever the number of statements and guides.
    """
    statements = list(statements)
    if not statements:
        return {}
    default_locale_id = Locale.get_default().pk
    family = {
        pk: key
        for pk, key in PolicyStatement.objects.filter(
            translation_key__in={s.translation_key for s in statements}
        ).values_list("pk", "translation_key")
    }
    cited_keys: dict[int, set] = {}
    for page_id, ids in citations_by_page().items():
        keys = {family[pk] for pk in ids if pk in family}
        if keys:
            cited_keys[page_id] = keys
    pages = guide_page_model().objects.filter(pk__in=cited_keys).only("pk", "translation_key")
    keys_by_guide: dict = {}
    for page in pages:
        keys_by_guide.setdefault(page.translation_key, set()).update(cited_keys[page.pk])
    english = (
        guide_page_model()
        .objects.filter(translation_key__in=keys_by_guide, locale_id=default_locale_id)
        .order_by("title")
    )
    result: dict[int, list] = {s.pk: [] for s in statements}
    for guide in english:
        for statement in statements:
            if statement.translation_key in keys_by_guide[guide.translation_key]:
                result[statement.pk].append(guide)
    return result


def guides_no_longer_out_of_date(statement: PolicyStatement, today=None) -> list:
    """Guides (every language) citing `statement` whose statements are now all verified.

    After a verification of `statement`, these no longer show "may be out of
    date". Three queries.
    """
    by_page = citations_by_page()
    family = set(
        PolicyStatement.objects.filter(translation_key=statement.translation_key).values_list(
            "pk", flat=True
        )
    )
    citing = {pk: ids for pk, ids in by_page.items() if ids & family}
    all_cited = set().union(*citing.values()) if citing else set()
    stale = set(
        PolicyStatement.objects.filter(pk__in=all_cited)
        .filter(out_of_date_q(today))
        .values_list("pk", flat=True)
    )
    current = [pk for pk, ids in citing.items() if not ids & stale]
    return list(
        guide_page_model()
        .objects.filter(pk__in=current)
        .select_related("locale")
        .order_by("locale__language_code", "title")
    )

"""Recording a statement's history: first versions, changes, corrections, verifications.

Every event is written on the English (source-language) statement, with the
statement's row locked (``SELECT … FOR UPDATE``) and numbered one after its
latest event, so two people recording at the same moment are kept in order.
A caller that shows a person the history passes the sequence number that
person saw (`expected_sequence`): if someone recorded an event since, nothing
is written and StaleHistory tells them to reload. Without it (a shell, an
import), events are appended in the order they arrive.

A change (or correction) also updates the statement: the English row (status,
quote, replacement, the status note from the event's note) and the
synchronised fields of its translations (status, quote, replacement), in the
same transaction, then marks every guide that cites it (``impact``). Bad
input raises TrackerError (``checks``) with a sentence for the person, and
writes nothing.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from know_your_rights.dates import format_partial_date
from know_your_rights.models.approvals import TranslationApproval
from know_your_rights.models.policy import PolicySource, PolicyStatement
from know_your_rights.models.tracker import PolicyEvent
from know_your_rights.review import content_fingerprint
from know_your_rights.tracker.checks import (
    StaleHistory,
    TrackerError,
    checked_quote,
    checked_replacement,
    checked_status,
    effective_parts,
    english_source,
    english_statement,
)
from know_your_rights.tracker.impact import mark_guides

Status = PolicyStatement.Status
Kind = PolicyEvent.Kind


# --- Locking and numbering --------------------------------------------------------


def latest_sequence(statement: PolicyStatement) -> int:
    """The number of the statement's latest event (0 when it has none)."""
    english = english_statement(statement)
    latest = (
        PolicyEvent.objects.filter(statement=english)
        .order_by("-sequence")
        .values_list("sequence", flat=True)
        .first()
    )
    return latest or 0


def _lock(statement: PolicyStatement, expected_sequence: int | None):
    """The English statement, locked until the transaction ends, and its latest event.

    Must run inside a transaction. Raises StaleHistory when `expected_sequence`
    is given and someone recorded an event after it.
    """
    english = english_statement(statement)
    locked = PolicyStatement.objects.select_for_update().get(pk=english.pk)
    latest = PolicyEvent.objects.filter(statement=locked).order_by("-sequence").first()
    if expected_sequence is not None and (latest.sequence if latest else 0) != int(
        expected_sequence
    ):
        raise StaleHistory(latest)
    return locked, latest


def _next(latest: PolicyEvent | None) -> int:
    return (latest.sequence if latest else 0) + 1


# --- Writing the statement ------------------------------------------------------


def _translations(english: PolicyStatement):
    return PolicyStatement.objects.filter(translation_key=english.translation_key).exclude(
        pk=english.pk
    )


def _default_status_note(status: str, parts, source: PolicySource) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return _("%(status)s, effective %(date)s, according to %(source)s.") % {
            "status": Status(status).label,
            "date": format_partial_date(*parts),
            "source": source.title,
        }


def _apply(english, *, status, quote, replacement, status_note) -> None:
    """Write the new state on the English statement and its translations' synchronised fields.

    Each translation's replacement is the replacement's translation in its
    language where one exists. The translations are saved one by one, so each
    needs review again (its status note is the translator's to update).
    """
    english.status, english.quote, english.superseded_by = status, quote, replacement
    english.status_note = status_note
    english.save()
    replacements = {}
    if replacement is not None:
        replacements = {
            r.locale_id: r
            for r in PolicyStatement.objects.filter(translation_key=replacement.translation_key)
        }
    for translated in _translations(english):
        translated.status, translated.quote = status, quote
        translated.superseded_by = replacements.get(translated.locale_id, replacement)
        translated.save(update_fields=["status", "quote", "superseded_by"])


def _changing_event(
    statement,
    *,
    kind,
    corrects,
    status,
    source,
    effective_date,
    note,
    quote,
    superseded_by,
    user,
    expected_sequence,
) -> PolicyEvent:
    source = english_source(source)
    status = checked_status(status)
    parts = effective_parts(effective_date)
    note = (note or "").strip()
    with transaction.atomic():
        english, latest = _lock(statement, expected_sequence)
        new_quote = checked_quote(quote, english.quote)
        replacement = checked_replacement(english, status, superseded_by)
        changes_statement = (status, new_quote, replacement and replacement.pk) != (
            english.status,
            english.quote,
            english.superseded_by_id,
        )
        if kind == Kind.CHANGE and not changes_statement:
            raise TrackerError(
                _(
                    "This changes nothing: the statement already has this text and this status. "
                    "To record that it was checked, record a verification."
                )
            )
        # A correction of an older change, after which later changes were
        # recorded, corrects the history only: the later change stands.
        applies = (
            kind == Kind.CHANGE
            or not PolicyEvent.objects.filter(
                statement=english,
                kind__in=PolicyEvent.CHANGING_KINDS,
                sequence__gt=corrects.sequence,
            ).exists()
        )
        event = PolicyEvent.objects.create(
            statement=english,
            sequence=_next(latest),
            kind=kind,
            status=status,
            quote=new_quote,
            superseded_by=replacement,
            previous_status=english.status,
            previous_quote=english.quote,
            note=note,
            source=source,
            effective_year=parts[0],
            effective_month=parts[1],
            effective_day=parts[2],
            corrects=corrects,
            recorded_by=user,
        )
        if applies and changes_statement:
            status_note = note
            if not status_note and status != Status.IN_FORCE:
                status_note = _default_status_note(status, parts, source)
            _apply(
                english,
                status=status,
                quote=new_quote,
                replacement=replacement,
                status_note=status_note,
            )
            mark_guides(event)
    statement.refresh_from_db()
    return event


# --- The public functions --------------------------------------------------------


def record_change(
    statement: PolicyStatement,
    *,
    status,
    source: PolicySource,
    effective_date,
    note: str = "",
    quote: str | None = None,
    superseded_by: PolicyStatement | None = None,
    user=None,
    expected_sequence: int | None = None,
) -> PolicyEvent:
    """Record that `statement` changed (text and/or status) on `source`, effective then.

    `effective_date` is a date or a (year, month or None, day or None) tuple.
    `quote`: the new exact words (None keeps the current ones). Updates the
    statement and its translations, and marks every guide citing it, in one
    transaction. Raises TrackerError (nothing written) for a missing source,
    an effective date more than a year ahead, a replacement that does not fit
    the status or makes a circle, or a change that changes nothing;
    StaleHistory when `expected_sequence` is behind.
    """
    return _changing_event(
        statement,
        kind=Kind.CHANGE,
        corrects=None,
        status=status,
        source=source,
        effective_date=effective_date,
        note=note,
        quote=quote,
        superseded_by=superseded_by,
        user=user,
        expected_sequence=expected_sequence,
    )


def record_correction(
    event: PolicyEvent,
    *,
    status,
    source: PolicySource,
    effective_date,
    note: str,
    quote: str | None = None,
    superseded_by: PolicyStatement | None = None,
    user=None,
    expected_sequence: int | None = None,
) -> PolicyEvent:
    """Record a correction of a wrongly recorded change (`event` stays as it was).

    The correction says what the change should have said. When it is the
    statement's latest change, the statement takes the corrected text and
    status, and if they differ from the current ones every citing guide is
    marked again. A correction of an older change corrects the history only.
    Raises TrackerError when `event` is not a change or correction, and for
    the same bad input as `record_change`.
    """
    if event.kind not in PolicyEvent.CHANGING_KINDS:
        raise TrackerError(
            _("Only a recorded change can be corrected; this is a %(kind)s.")
            % {"kind": Kind(event.kind).label.lower()}
        )
    return _changing_event(
        event.statement,
        kind=Kind.CORRECTION,
        corrects=event,
        status=status,
        source=source,
        effective_date=effective_date,
        note=note,
        quote=quote,
        superseded_by=superseded_by,
        user=user,
        expected_sequence=expected_sequence,
    )


def record_verification(
    statement: PolicyStatement,
    *,
    source: PolicySource,
    checked_on: datetime.date | None = None,
    note: str = "",
    user=None,
    expected_sequence: int | None = None,
) -> PolicyEvent:
    """Record that a person checked `statement` against current policy on `checked_on`.

    A verification says the statement is in force as stated: it changes no
    text or status and marks no guide. It sets the statement's last verified
    date in every language (so it is current for `POLICY_REVIEW_DAYS`); a
    translation's approval still covers it (the date is not a translator's
    words). Raises TrackerError for a missing source, a date in the future,
    or a rescinded or superseded statement.
    """
    source = english_source(source)
    today = timezone.localdate()
    checked_on = checked_on or today
    if checked_on > today:
        raise TrackerError(_("A check cannot be dated in the future."))
    with transaction.atomic():
        english, latest = _lock(statement, expected_sequence)
        if english.status in (Status.RESCINDED, Status.SUPERSEDED):
            raise TrackerError(
                _(
                    "This statement is %(status)s. A verification says a statement is in force "
                    "as stated; record a change instead."
                )
                % {"status": Status(english.status).label.lower()}
            )
        event = PolicyEvent.objects.create(
            statement=english,
            sequence=_next(latest),
            kind=Kind.VERIFICATION,
            status=english.status,
            quote=english.quote,
            superseded_by_id=english.superseded_by_id,
            previous_status=english.status,
            previous_quote=english.quote,
            note=(note or "").strip(),
            source=source,
            checked_on=checked_on,
            recorded_by=user,
        )
        verified = max(checked_on, english.last_verified or checked_on)
        _set_verified(english, verified)
    statement.refresh_from_db()
    return event


def _set_verified(english: PolicyStatement, verified: datetime.date) -> None:
    """Set last verified on the statement and its translations.

    A review date an editor set that this check reaches is done with (it is
    emptied); a later one stays. The translations are updated without a save,
    then their approvals follow the new content: one that covered the
    translation still does.
    """
    review_due = english.review_due
    if review_due is not None and review_due <= verified:
        review_due = None
    english.last_verified, english.review_due = verified, review_due
    english.save(update_fields=["last_verified", "review_due"])
    translations = list(_translations(english))
    if not translations:
        return
    _translations(english).update(last_verified=verified, review_due=review_due)
    approvals = {
        approval.object_id: approval
        for approval in TranslationApproval.objects.filter(
            content_type__app_label="know_your_rights",
            content_type__model="policystatement",
            object_id__in=[str(t.pk) for t in translations],
        )
    }
    for translated in translations:
        approval = approvals.get(str(translated.pk))
        if approval is None:
            continue
        translated.last_verified, translated.review_due = verified, review_due
        fingerprint = content_fingerprint(translated)
        if approval.approved_content_hash == approval.current_content_hash:
            approval.approved_content_hash = fingerprint
        approval.current_content_hash = fingerprint
        approval.save(update_fields=["approved_content_hash", "current_content_hash"])


def record_first_version(statement: PolicyStatement, *, source: PolicySource, effective_date):
    """Record the statement as it is now as its first version (the seed). Idempotent.

    Returns the existing first version when there is one; marks nothing and
    verifies nothing.
    """
    source = english_source(source)
    if effective_date is None:
        parts = (None, None, None)
    else:
        parts = effective_parts(effective_date)
    with transaction.atomic():
        english, latest = _lock(statement, None)
        existing = PolicyEvent.objects.filter(statement=english, kind=Kind.FIRST_VERSION).first()
        if existing is not None:
            return existing
        if latest is not None:
            raise TrackerError(
                _("This statement already has a history; its first version cannot come after it.")
            )
        return PolicyEvent.objects.create(
            statement=english,
            sequence=1,
            kind=Kind.FIRST_VERSION,
            status=english.status,
            quote=english.quote,
            superseded_by_id=english.superseded_by_id,
            source=source,
            effective_year=parts[0],
            effective_month=parts[1],
            effective_day=parts[2],
        )

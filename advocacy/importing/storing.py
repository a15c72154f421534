"""Storing checked rows: what is suppressed, stopped or already listed is
counted or reported, the rest inserted (``advocacy.subscriber_inserts``)."""

from __future__ import annotations

from advocacy.crypto import encrypt_email, encrypt_phone
from advocacy.importing.checking import CheckedRow, ImportResult
from advocacy.models import Subscriber
from advocacy.subscriber_inserts import (
    NewSubscriber,
    SubscriberInserter,
    lookup_hashes,
    lookup_phone_hashes,
)


def new_subscriber(row: CheckedRow) -> NewSubscriber:
    """The row to insert; the hash was computed during validation, the
    encryption is left for rows that are new."""
    return NewSubscriber(
        email_ciphertext=encrypt_email(row.address) if row.address else "",
        email_hash=row.hashed,
        language=row.language,
        status=(Subscriber.Status.ACTIVE if row.consent else Subscriber.Status.PENDING).value,
        confirmed_at=row.confirmed_at,
        area_ids=row.area_ids,
        topic_ids=row.topic_ids,
        phone_ciphertext=encrypt_phone(row.phone) if row.phone else "",
        phone_hash=row.phone_hashed,
        phone_confirmed_at=row.confirmed_at if row.phone else None,
        email_awaiting_confirmation=bool(row.address) and not row.consent,
    )


def store_batch(
    checked: list[CheckedRow],
    inserter: SubscriberInserter,
    result: ImportResult,
    to_send: tuple[list[int], list[int]],
    resend_pending: bool,
) -> None:
    """Look up and store one batch of checked rows, adding the outcomes to
    ``result`` and the ids to mail and to text (``to_send``) to its lists."""
    to_confirm_ids, to_text_ids = to_send
    suppressed, existing = lookup_hashes([row.hashed for row in checked if row.hashed])
    stopped, listed_phones = lookup_phone_hashes(
        [row.phone_hashed for row in checked if row.phone_hashed]
    )
    new_rows = []
    for row in checked:
        if row.hashed in suppressed:
            result.errors.append(
                (
                    row.line,
                    "this address unsubscribed or bounced earlier; "
                    "only a new sign-up can add it back",
                )
            )
        elif row.hashed in existing:
            result.already_listed += 1
            pk, status = existing[row.hashed]
            if resend_pending and not row.consent and status == Subscriber.Status.PENDING:
                to_confirm_ids.append(pk)
        elif row.phone_hashed in stopped:
            result.errors.append(
                (
                    row.line,
                    "this phone number sent STOP; only the person can start again, "
                    "by texting START",
                )
            )
        elif row.phone_hashed in listed_phones:
            if row.hashed:
                result.errors.append(
                    (row.line, "this phone number is already on the list with another row")
                )
            else:
                result.already_listed += 1
        else:
            new_rows.append(row)
    new_subscribers = [new_subscriber(row) for row in new_rows]
    stored = inserter.insert(new_subscribers)
    for row, new in zip(new_rows, new_subscribers, strict=True):
        if new.key not in stored:
            # Someone signed up with this address or number after the lookup above.
            result.already_listed += 1
            continue
        pk, status = stored[new.key]
        if status == Subscriber.Status.ACTIVE:
            result.active += 1
        else:
            result.pending += 1
            if row.address:
                to_confirm_ids.append(pk)
            if row.phone:
                to_text_ids.append(pk)

"""Import a subscriber list exported from another tool (CSV).

Format: a header ``email,language,areas,topics,consent_date`` (any order);
``areas`` and ``topics`` are ``;``-separated slugs (empty = all);
``consent_date`` is an ISO date (``2024-03-01``) or empty. A row with a
consent date becomes an active subscriber (the person opted in elsewhere, on
that date); a row without one becomes pending and gets a confirmation email.

Every bad row is reported with its line number and reason; the good rows
are imported regardless. Re-running the same file changes nothing:
addresses already on the list are left as they are, and addresses that left
(suppressed) are never re-added by an import.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from advocacy.crypto import email_hash
from advocacy.models import Area, Subscriber, SuppressedAddress, Topic
from advocacy.subscriptions import SubscriptionError, clean_address, send_subscription_mail

COLUMNS = ("email", "language", "areas", "topics", "consent_date")


class ImportFileError(ValueError):
    """The file as a whole cannot be read (encoding, header)."""


@dataclass
class ImportResult:
    """Counts per outcome, and ``errors`` as (line number, reason) pairs."""

    active: int = 0
    pending: int = 0
    already_listed: int = 0
    mails_failed: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return self.active + self.pending + self.already_listed + len(self.errors)


def _slugs(value: str) -> list[str]:
    return [slug.strip() for slug in (value or "").split(";") if slug.strip()]


def read_rows(raw: bytes) -> list[tuple[int, dict]]:
    """(line number, row) pairs from the CSV bytes; raises ImportFileError."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            f"the file is not UTF-8 text (byte {exc.start}); save it as CSV UTF-8"
        ) from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [name.strip().lower() for name in (reader.fieldnames or [])]
    if sorted(header) != sorted(COLUMNS):
        raise ImportFileError(
            f"the first line must be the header {','.join(COLUMNS)}; found {','.join(header) or 'nothing'}"
        )
    reader.fieldnames = header
    rows = []
    for row in reader:
        if None in row:  # more fields than the header
            rows.append((reader.line_num, {"__error__": "more fields than the header has"}))
            continue
        rows.append((reader.line_num, {key: (value or "").strip() for key, value in row.items()}))
    return rows


def import_subscribers(
    raw: bytes,
    progress: Callable[[int, int], None] | None = None,
    progress_every: int = 500,
    resend_pending: bool = False,
) -> ImportResult:
    """Import CSV bytes (see the module docstring); returns an ImportResult.

    ``resend_pending``: mail a fresh confirmation link to rows without a
    consent date whose address is already on the list and still pending
    (after a run whose mails could not be sent).

    Raises ``ImportFileError`` when the file itself is unusable (then
    nothing is imported).
    """
    rows = read_rows(raw)
    areas = {area.slug: area for area in Area.objects.all()}
    topics = {topic.slug: topic for topic in Topic.objects.all()}
    languages = dict(settings.LANGUAGES)
    result = ImportResult()
    seen: dict[str, int] = {}
    today = timezone.localdate()
    to_confirm: list[Subscriber] = []

    for index, (line, row) in enumerate(rows, start=1):
        try:
            if "__error__" in row:
                raise SubscriptionError(row["__error__"])
            address = clean_address(row["email"])
            language = row["language"] or settings.LANGUAGE_CODE
            if language not in languages:
                raise SubscriptionError(
                    f"unknown language {language!r} (use one of {', '.join(languages)})"
                )
            unknown = [slug for slug in _slugs(row["areas"]) if slug not in areas]
            if unknown:
                raise SubscriptionError(f"unknown area {', '.join(unknown)}")
            unknown = [slug for slug in _slugs(row["topics"]) if slug not in topics]
            if unknown:
                raise SubscriptionError(f"unknown topic {', '.join(unknown)}")
            consent = None
            if row["consent_date"]:
                try:
                    consent = dt.date.fromisoformat(row["consent_date"])
                except ValueError:
                    raise SubscriptionError(
                        f"consent_date {row['consent_date']!r} is not an ISO date (YYYY-MM-DD)"
                    ) from None
                if consent > today:
                    raise SubscriptionError(f"consent_date {consent} is in the future")
            hashed = email_hash(address)
            if hashed in seen:
                raise SubscriptionError(f"same address as line {seen[hashed]}")
            seen[hashed] = line
            if SuppressedAddress.objects.filter(email_hash=hashed).exists():
                raise SubscriptionError(
                    "this address unsubscribed or bounced earlier; only a new sign-up can add it back"
                )
            with transaction.atomic():
                existing = Subscriber.objects.filter(email_hash=hashed).first()
                if existing is not None:
                    result.already_listed += 1
                    if resend_pending and not consent and existing.status == "pending":
                        to_confirm.append(existing)
                else:
                    subscriber = Subscriber(email=address, language=language)
                    if consent:
                        subscriber.status = Subscriber.Status.ACTIVE
                        subscriber.confirmed_at = timezone.make_aware(
                            dt.datetime.combine(consent, dt.time(12))
                        )
                    subscriber.save()
                    subscriber.areas.set([areas[slug] for slug in _slugs(row["areas"])])
                    subscriber.topics.set([topics[slug] for slug in _slugs(row["topics"])])
                    if consent:
                        result.active += 1
                    else:
                        result.pending += 1
                        to_confirm.append(subscriber)
        except SubscriptionError as exc:
            result.errors.append((line, str(exc)))
        if progress and (index % progress_every == 0 or index == len(rows)):
            progress(index, len(rows))

    # Mails go out after every row is stored, over one connection.
    if to_confirm:
        from django.core.mail import get_connection

        with get_connection() as connection:
            for subscriber in to_confirm:
                if not send_subscription_mail(
                    subscriber, "confirm", subscriber.language, connection=connection
                ):
                    result.mails_failed += 1
    return result

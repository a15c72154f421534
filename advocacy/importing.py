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
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import get_connection
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from advocacy.crypto import email_hash, encrypt_email
from advocacy.models import Area, Subscriber, SuppressedAddress, Topic
from advocacy.subscriptions import SubscriptionError, clean_address, send_subscription_mail

COLUMNS = ("email", "language", "areas", "topics", "consent_date")
# Rows validated, looked up and inserted together.
BATCH_SIZE = 1000


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


def _text(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            f"the file is not UTF-8 text (byte {exc.start}); save it as CSV UTF-8"
        ) from None


def _reader(text: str) -> csv.DictReader:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [name.strip().lower() for name in (reader.fieldnames or [])]
    if sorted(header) != sorted(COLUMNS):
        raise ImportFileError(
            f"the first line must be the header {','.join(COLUMNS)}; found {','.join(header) or 'nothing'}"
        )
    reader.fieldnames = header
    return reader


def _batches(reader: csv.DictReader, size: int) -> Iterator[list[tuple[int, dict]]]:
    """Lists of at most ``size`` (line number, row) pairs, read lazily."""
    batch: list[tuple[int, dict]] = []
    for row in reader:
        if None in row:  # more fields than the header
            batch.append((reader.line_num, {"__error__": "more fields than the header has"}))
        else:
            batch.append(
                (reader.line_num, {key: (value or "").strip() for key, value in row.items()})
            )
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def read_rows(raw: bytes) -> list[tuple[int, dict]]:
    """(line number, row) pairs from the CSV bytes; raises ImportFileError."""
    return [pair for batch in _batches(_reader(_text(raw)), BATCH_SIZE) for pair in batch]


def count_rows(raw: bytes) -> int:
    """How many data rows the CSV holds (for a progress bar); raises ImportFileError."""
    return sum(1 for _row in _reader(_text(raw)))


@dataclass
class _Row:
    """A row that passed every check that needs no database."""

    line: int
    address: str
    hashed: str
    language: str
    areas: list[str]
    topics: list[str]
    consent: dt.date | None


class _Validator:
    """The per-row checks, with the lookups they need loaded once."""

    def __init__(self):
        self.areas = {area.slug: area.pk for area in Area.objects.all()}
        self.topics = {topic.slug: topic.pk for topic in Topic.objects.all()}
        self.languages = dict(settings.LANGUAGES)
        self.today = timezone.localdate()
        self.seen: dict[str, int] = {}

    def check(self, line: int, row: dict) -> _Row:
        """The row as a ``_Row``; raises ``SubscriptionError`` with the reason."""
        if "__error__" in row:
            raise SubscriptionError(row["__error__"])
        address = clean_address(row["email"])
        language = row["language"] or settings.LANGUAGE_CODE
        if language not in self.languages:
            raise SubscriptionError(
                f"unknown language {language!r} (use one of {', '.join(self.languages)})"
            )
        areas, topics = _slugs(row["areas"]), _slugs(row["topics"])
        unknown = [slug for slug in areas if slug not in self.areas]
        if unknown:
            raise SubscriptionError(f"unknown area {', '.join(unknown)}")
        unknown = [slug for slug in topics if slug not in self.topics]
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
            if consent > self.today:
                raise SubscriptionError(f"consent_date {consent} is in the future")
        hashed = email_hash(address)
        if hashed in self.seen:
            raise SubscriptionError(f"same address as line {self.seen[hashed]}")
        self.seen[hashed] = line
        return _Row(line, address, hashed, language, areas, topics, consent)


def _new_subscriber(row: _Row) -> Subscriber:
    subscriber = Subscriber(language=row.language)
    # The hash was computed during validation; only the encryption is left.
    subscriber.email_ciphertext = encrypt_email(row.address)
    subscriber.email_hash = row.hashed
    if row.consent:
        subscriber.status = Subscriber.Status.ACTIVE
        subscriber.confirmed_at = timezone.make_aware(dt.datetime.combine(row.consent, dt.time(12)))
    return subscriber


def _insert_pairs(through, column: str, pairs: list[tuple[int, int]]) -> None:
    """Insert (subscriber id, other id) rows into a many-to-many table.

    Plain multi-row INSERTs rather than ``bulk_create``: building and
    compiling a model instance per link costs more than everything else an
    import does per row, and these rows have no defaults or signals.
    """
    table = connection.ops.quote_name(through._meta.db_table)
    columns = f"{connection.ops.quote_name('subscriber_id')}, {connection.ops.quote_name(column)}"
    with connection.cursor() as cursor:
        for start in range(0, len(pairs), 500):
            chunk = pairs[start : start + 500]
            values = ", ".join(["(%s, %s)"] * len(chunk))
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {values}",
                [value for pair in chunk for value in pair],
            )


def _store(rows: list[_Row], validator: _Validator) -> list[Subscriber]:
    """Insert ``rows`` as subscribers with their areas and topics, in one transaction.

    A few statements per batch rather than several per row: this is what
    makes 100,000 rows a matter of seconds.
    """
    subscribers = [_new_subscriber(row) for row in rows]
    with transaction.atomic():
        Subscriber.objects.bulk_create(subscribers)
        pairs = zip(subscribers, rows, strict=True)
        area_links, topic_links = [], []
        for subscriber, row in pairs:
            area_links += [
                (subscriber.pk, validator.areas[slug]) for slug in dict.fromkeys(row.areas)
            ]
            topic_links += [
                (subscriber.pk, validator.topics[slug]) for slug in dict.fromkeys(row.topics)
            ]
        _insert_pairs(Subscriber.areas.through, "area_id", area_links)
        _insert_pairs(Subscriber.topics.through, "topic_id", topic_links)
    return subscribers


def import_subscribers(
    raw: bytes,
    progress: Callable[[int, int], None] | None = None,
    progress_every: int = 500,
    resend_pending: bool = False,
) -> ImportResult:
    """Import CSV bytes (see the module docstring); returns an ImportResult.

    Rows are validated one by one (each bad row is reported with its line)
    and stored in batches of ``BATCH_SIZE``, so memory stays flat and a
    large list takes seconds. ``progress(done, total)`` is called about
    every ``progress_every`` rows and after the last one.

    ``resend_pending``: mail a fresh confirmation link to rows without a
    consent date whose address is already on the list and still pending
    (after a run whose mails could not be sent).

    Raises ``ImportFileError`` when the file itself is unusable (then
    nothing is imported).
    """
    total = count_rows(raw) if progress else 0
    validator = _Validator()
    result = ImportResult()
    to_confirm: list[Subscriber] = []
    done = reported = 0

    for batch in _batches(_reader(_text(raw)), BATCH_SIZE):
        checked: list[_Row] = []
        for line, row in batch:
            try:
                checked.append(validator.check(line, row))
            except SubscriptionError as exc:
                result.errors.append((line, str(exc)))
        hashes = [row.hashed for row in checked]
        suppressed = set(
            SuppressedAddress.objects.filter(email_hash__in=hashes).values_list(
                "email_hash", flat=True
            )
        )
        existing = {
            subscriber.email_hash: subscriber
            for subscriber in Subscriber.objects.filter(email_hash__in=hashes).only(
                "pk", "email_hash", "status", "language", "email_ciphertext"
            )
        }
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
                listed = existing[row.hashed]
                if resend_pending and not row.consent and listed.status == "pending":
                    to_confirm.append(listed)
            else:
                new_rows.append(row)
        try:
            stored = _store(new_rows, validator)
        except IntegrityError:
            # Someone signed up with one of these addresses while the batch
            # was checked: store the batch row by row, counting them as listed.
            stored = []
            for row in new_rows:
                try:
                    stored += _store([row], validator)
                except IntegrityError:
                    result.already_listed += 1
        for subscriber in stored:
            if subscriber.status == Subscriber.Status.ACTIVE:
                result.active += 1
            else:
                result.pending += 1
                to_confirm.append(subscriber)
        result.errors.sort()
        done += len(batch)
        if progress and (done - reported >= progress_every or done == total):
            progress(done, total)
            reported = done

    # Mails go out after every row is stored, over one connection.
    if to_confirm:
        with get_connection() as connection:
            for subscriber in to_confirm:
                if not send_subscription_mail(
                    subscriber, "confirm", subscriber.language, connection=connection
                ):
                    result.mails_failed += 1
    return result

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
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import BinaryIO, TextIO

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


@contextmanager
def _text(source: bytes | BinaryIO) -> Iterator[TextIO]:
    """The CSV as text: decoded all at once from bytes, or streamed from a file.

    A file is read from its start, a block at a time, so a list of any
    length costs the same memory; it is left open for the caller.
    """
    if isinstance(source, bytes):
        try:
            yield io.StringIO(source.decode("utf-8-sig"), newline="")
        except UnicodeDecodeError as exc:
            raise ImportFileError(
                f"the file is not UTF-8 text (byte {exc.start}); save it as CSV UTF-8"
            ) from None
        return
    source.seek(0)
    text = io.TextIOWrapper(source, encoding="utf-8-sig", newline="")
    try:
        yield text
    finally:
        text.detach()  # leave the caller's file open


def _reader(text: TextIO) -> csv.DictReader:
    reader = csv.DictReader(text)
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


def read_rows(source: bytes | BinaryIO) -> list[tuple[int, dict]]:
    """(line number, row) pairs from the CSV; raises ImportFileError."""
    with _text(source) as text:
        return [pair for batch in _batches(_reader(text), BATCH_SIZE) for pair in batch]


def count_rows(source: bytes | BinaryIO) -> int:
    """How many data rows the CSV holds; raises ImportFileError.

    Reading the whole file first also finds a file that is not UTF-8 before
    any row is imported.
    """
    try:
        with _text(source) as text:
            reader = _reader(text)
            return sum(1 for _row in reader)
    except UnicodeDecodeError:
        raise ImportFileError(
            f"the file is not UTF-8 text (near line {reader.line_num + 1}); save it as CSV UTF-8"
        ) from None


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


def _subscriber_columns(rows: list[_Row]) -> tuple[list[str], list[tuple]]:
    """Column names of the subscriber table and one tuple of values per row.

    Every concrete column is written: those the import sets from the row, the
    others from the model's defaults (computed once per batch, so a batch
    shares one ``created_at``). Built by hand because ``bulk_create`` spends
    more time preparing ten fields per model instance than encryption and
    the database together.
    """
    now = timezone.now()
    fields = [field for field in Subscriber._meta.concrete_fields if not field.primary_key]
    defaults = {
        field.attname: field.get_db_prep_save(
            now if field.attname == "updated_at" else field.get_default(), connection
        )
        for field in fields
    }
    names = [field.attname for field in fields]
    values = []
    for row in rows:
        own = {
            # The hash was computed during validation; only the encryption is left.
            "email_ciphertext": encrypt_email(row.address),
            "email_hash": row.hashed,
            "language": row.language,
        }
        if row.consent:
            own["status"] = Subscriber.Status.ACTIVE.value
            own["confirmed_at"] = connection.ops.adapt_datetimefield_value(
                timezone.make_aware(dt.datetime.combine(row.consent, dt.time(12)))
            )
        values.append(tuple(own.get(name, defaults[name]) for name in names))
    return names, values


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


def _store(rows: list[_Row], validator: _Validator) -> list[tuple[int, str]]:
    """Insert ``rows`` as subscribers with their areas and topics, in one transaction.

    A few statements per batch rather than several per row: this is what
    makes 100,000 rows a matter of seconds. Returns (subscriber id, status)
    per row, in the rows' order.
    """
    if not rows:
        return []
    names, values = _subscriber_columns(rows)
    table = connection.ops.quote_name(Subscriber._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(name) for name in names)
    placeholders = "(" + ", ".join(["%s"] * len(names)) + ")"
    stored: list[tuple[int, str]] = []
    with transaction.atomic(), connection.cursor() as cursor:
        for start in range(0, len(values), 500):
            chunk = values[start : start + 500]
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {', '.join([placeholders] * len(chunk))} "
                f"RETURNING {connection.ops.quote_name('id')}, {connection.ops.quote_name('status')}",
                [value for row in chunk for value in row],
            )
            stored += cursor.fetchall()
        area_links, topic_links = [], []
        for (pk, _status), row in zip(stored, rows, strict=True):
            area_links += [(pk, validator.areas[slug]) for slug in dict.fromkeys(row.areas)]
            topic_links += [(pk, validator.topics[slug]) for slug in dict.fromkeys(row.topics)]
        _insert_pairs(Subscriber.areas.through, "area_id", area_links)
        _insert_pairs(Subscriber.topics.through, "topic_id", topic_links)
    return stored


def import_subscribers(
    source: bytes | BinaryIO,
    progress: Callable[[int, int], None] | None = None,
    progress_every: int = 500,
    resend_pending: bool = False,
) -> ImportResult:
    """Import a CSV (bytes, or a file opened in binary mode; see the module
    docstring); returns an ImportResult.

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
    total = count_rows(source)
    validator = _Validator()
    result = ImportResult()
    # Ids only (not model instances), so a long list of pending rows stays small.
    to_confirm_ids: list[int] = []
    done = reported = 0

    with _text(source) as text:
        for batch in _batches(_reader(text), BATCH_SIZE):
            _import_batch(batch, validator, result, to_confirm_ids, resend_pending)
            done += len(batch)
            if progress and (done - reported >= progress_every or done == total):
                progress(done, total)
                reported = done
    result.errors.sort()

    # Mails go out after every row is stored, over one connection.
    if to_confirm_ids:
        with get_connection() as mail_connection:
            for start in range(0, len(to_confirm_ids), BATCH_SIZE):
                chunk = to_confirm_ids[start : start + BATCH_SIZE]
                for subscriber in Subscriber.objects.filter(pk__in=chunk).order_by("pk"):
                    if not send_subscription_mail(
                        subscriber, "confirm", subscriber.language, connection=mail_connection
                    ):
                        result.mails_failed += 1
    return result


def _import_batch(
    batch: list[tuple[int, dict]],
    validator: _Validator,
    result: ImportResult,
    to_confirm_ids: list[int],
    resend_pending: bool,
) -> None:
    """Check, look up and store one batch, adding its outcomes to ``result``."""
    checked: list[_Row] = []
    for line, row in batch:
        try:
            checked.append(validator.check(line, row))
        except SubscriptionError as exc:
            result.errors.append((line, str(exc)))
    hashes = [row.hashed for row in checked]
    suppressed = set(
        SuppressedAddress.objects.filter(email_hash__in=hashes).values_list("email_hash", flat=True)
    )
    existing = {
        hashed: (pk, status)
        for hashed, pk, status in Subscriber.objects.filter(email_hash__in=hashes).values_list(
            "email_hash", "pk", "status"
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
            pk, status = existing[row.hashed]
            if resend_pending and not row.consent and status == Subscriber.Status.PENDING:
                to_confirm_ids.append(pk)
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
    for pk, status in stored:
        if status == Subscriber.Status.ACTIVE:
            result.active += 1
        else:
            result.pending += 1
            to_confirm_ids.append(pk)

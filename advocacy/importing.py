"""Import a subscriber list exported from another tool (CSV).

Format: a header ``email,language,areas,topics,consent_date`` (any order),
with an optional ``phone`` column; ``areas`` and ``topics`` are
``;``-separated slugs (empty = all); ``consent_date`` is an ISO date
(``2024-03-01``) or empty. A row has an address, a mobile number, or both.
A row with a consent date becomes an active subscriber (the person opted in
elsewhere, on that date) whose address and number are both confirmed; a row
without one becomes pending: its address gets a confirmation email and its
number a code by text message. Numbers are read as the sign-up form reads
them (``SMS_DEFAULT_REGION`` for numbers without a country code) and must
be able to receive text messages.

Every bad row is reported with its line number and reason; the good rows
are imported regardless. Re-running the same file changes nothing:
addresses already on the list are left as they are, and addresses that left
(suppressed) are never re-added by an import, nor numbers that sent STOP.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import BinaryIO, TextIO

from django.conf import settings
from django.core.mail import get_connection
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone

from advocacy.crypto import email_hash, encrypt_email, encrypt_phone, phone_hash
from advocacy.models import Area, Subscriber, Topic
from advocacy.sms.opt_in import start_opt_in
from advocacy.subscriber_inserts import (
    NewSubscriber,
    SubscriberInserter,
    lookup_hashes,
    lookup_phone_hashes,
    subscriber_inserter,
)
from advocacy.subscriptions import (
    SubscriptionError,
    clean_address,
    clean_phone,
    send_subscription_mail,
)

COLUMNS = ("email", "language", "areas", "topics", "consent_date")
OPTIONAL_COLUMNS = ("phone",)
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
    codes_queued: int = 0
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


class _Rows:
    """The data rows of the CSV with their line numbers, after a checked header.

    A plain ``csv.reader`` and one ``zip`` per row: ``csv.DictReader`` spent
    more time per row than the row's validation. Behaves as DictReader did:
    blank lines are skipped, missing fields are empty, extra fields are an
    error of that row.
    """

    def __init__(self, text: TextIO):
        self.reader = csv.reader(text)
        header = [name.strip().lower() for name in next(self.reader, [])]
        optional = [name for name in header if name in OPTIONAL_COLUMNS]
        if sorted(header) != sorted(COLUMNS + tuple(optional)) or len(set(optional)) != len(
            optional
        ):
            raise ImportFileError(
                f"the first line must be the header {','.join(COLUMNS)}"
                f" (and, if you like, {','.join(OPTIONAL_COLUMNS)}); "
                f"found {','.join(header) or 'nothing'}"
            )
        self.header = header

    def __iter__(self) -> Iterator[tuple[int, dict]]:
        header, width = self.header, len(self.header)
        for fields in self.reader:
            if not fields:
                continue
            if len(fields) > width:
                yield self.reader.line_num, {"__error__": "more fields than the header has"}
            else:
                row = dict.fromkeys((*header, *OPTIONAL_COLUMNS), "")
                # A short row leaves its last fields empty.
                row.update(zip(header, (value.strip() for value in fields), strict=False))
                yield self.reader.line_num, row


def _batches(rows: _Rows, size: int) -> Iterator[list[tuple[int, dict]]]:
    """Lists of at most ``size`` (line number, row) pairs, read lazily."""
    batch: list[tuple[int, dict]] = []
    for pair in rows:
        batch.append(pair)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def read_rows(source: bytes | BinaryIO) -> list[tuple[int, dict]]:
    """(line number, row) pairs from the CSV; raises ImportFileError."""
    with _text(source) as text:
        return list(_Rows(text))


def count_rows(source: bytes | BinaryIO) -> int:
    """How many data rows the CSV holds; raises ImportFileError.

    Reading the whole file first also finds a file that is not UTF-8 before
    any row is imported.
    """
    reader = None
    try:
        with _text(source) as text:
            reader = _Rows(text).reader
            return sum(1 for fields in reader if fields)
    except UnicodeDecodeError:
        near = reader.line_num + 1 if reader else 1
        raise ImportFileError(
            f"the file is not UTF-8 text (near line {near}); save it as CSV UTF-8"
        ) from None


@dataclass(slots=True)
class _Row:
    """A row that passed every check that needs no database."""

    line: int
    address: str
    hashed: str | None
    phone: str
    phone_hashed: str | None
    language: str
    area_ids: tuple[int, ...]
    topic_ids: tuple[int, ...]
    consent: dt.date | None
    confirmed_at: dt.datetime | None


class _Validator:
    """The per-row checks, with the lookups they need loaded once."""

    def __init__(self):
        self.areas = {area.slug: area.pk for area in Area.objects.all()}
        self.topics = {topic.slug: topic.pk for topic in Topic.objects.all()}
        self.languages = dict(settings.LANGUAGES)
        self.default_language = settings.LANGUAGE_CODE
        self.today = timezone.localdate()
        self.seen: dict[str, int] = {}
        self.seen_phones: dict[str, int] = {}
        # Noon on the consent date, in the site's time zone; a list has few
        # distinct dates, and making each aware costs more than the rest of a row.
        self.noon_on: dict[dt.date, dt.datetime] = {}

    def check(self, line: int, row: dict) -> _Row:
        """The row as a ``_Row``; raises ``SubscriptionError`` with the reason."""
        if "__error__" in row:
            raise SubscriptionError(row["__error__"])
        if not row["email"] and not row["phone"]:
            raise SubscriptionError("no email address and no phone number")
        address = clean_address(row["email"]) if row["email"] else ""
        try:
            phone = clean_phone(row["phone"]) if row["phone"] else ""
        except SubscriptionError as exc:
            raise SubscriptionError(f"phone {row['phone']!r}: {exc}") from None
        language = row["language"] or self.default_language
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
        consent = confirmed_at = None
        if row["consent_date"]:
            try:
                consent = dt.date.fromisoformat(row["consent_date"])
            except ValueError:
                raise SubscriptionError(
                    f"consent_date {row['consent_date']!r} is not an ISO date (YYYY-MM-DD)"
                ) from None
            if consent > self.today:
                raise SubscriptionError(f"consent_date {consent} is in the future")
            confirmed_at = self.noon_on.get(consent)
            if confirmed_at is None:
                confirmed_at = timezone.make_aware(dt.datetime.combine(consent, dt.time(12)))
                self.noon_on[consent] = confirmed_at
        hashed = email_hash(address) if address else None
        if hashed in self.seen:
            raise SubscriptionError(f"same address as line {self.seen[hashed]}")
        phone_hashed = phone_hash(phone) if phone else None
        if phone_hashed in self.seen_phones:
            raise SubscriptionError(f"same phone number as line {self.seen_phones[phone_hashed]}")
        if hashed:
            self.seen[hashed] = line
        if phone_hashed:
            self.seen_phones[phone_hashed] = line
        return _Row(
            line,
            address,
            hashed,
            phone,
            phone_hashed,
            language,
            # A slug named twice links once.
            tuple(dict.fromkeys(self.areas[slug] for slug in areas)),
            tuple(dict.fromkeys(self.topics[slug] for slug in topics)),
            consent,
            confirmed_at,
        )


def _new_subscriber(row: _Row) -> NewSubscriber:
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


def import_subscribers(
    source: bytes | BinaryIO,
    progress: Callable[[int, int], None] | None = None,
    progress_every: int = 500,
    resend_pending: bool = False,
) -> ImportResult:
    """Import a CSV (bytes, or a file opened in binary mode; see the module
    docstring); returns an ImportResult.

    Rows are validated one by one (each bad row is reported with its line)
    and stored in batches of ``BATCH_SIZE`` by a second thread while the
    next batch is checked, so memory stays flat and a large list takes
    seconds. ``progress(done, total)`` is called (from the calling thread)
    as batches are stored, about every ``progress_every`` rows and after
    the last one.

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
    to_text_ids: list[int] = []
    done = reported = 0
    # One thread stores batch N while this one reads and checks batch N+1,
    # so the database and Python work at the same time. It uses this
    # thread's connection (and so its transaction), never both at once.
    shared = connections[DEFAULT_DB_ALIAS]
    shared.inc_thread_sharing()
    try:
        with (
            _text(source) as text,
            subscriber_inserter() as inserter,
            ThreadPoolExecutor(1, initializer=_use_connection, initargs=(shared,)) as storing,
        ):
            pending: tuple[Future, int] | None = None
            for batch in _batches(_Rows(text), BATCH_SIZE):
                checked = _check_batch(batch, validator, result)
                if pending:
                    pending[0].result()
                    done += pending[1]
                    if progress and (done - reported >= progress_every or done == total):
                        progress(done, total)
                        reported = done
                pending = (
                    storing.submit(
                        _store_batch,
                        checked,
                        inserter,
                        result,
                        (to_confirm_ids, to_text_ids),
                        resend_pending,
                    ),
                    len(batch),
                )
            if pending:
                pending[0].result()
                done += pending[1]
                if progress and done != reported:
                    progress(done, total)
    finally:
        shared.dec_thread_sharing()
    result.errors.sort()

    # Mails go out after every row is stored, over one connection.
    if to_confirm_ids:
        with get_connection() as mail_connection:
            for start in range(0, len(to_confirm_ids), BATCH_SIZE):
                chunk = to_confirm_ids[start : start + BATCH_SIZE]
                for subscriber in (
                    Subscriber.objects.filter(pk__in=chunk, email_hash__isnull=False)
                    .order_by("pk")
                    .iterator()
                ):
                    if not send_subscription_mail(
                        subscriber, "confirm", subscriber.language, connection=mail_connection
                    ):
                        result.mails_failed += 1
    # Codes are texted by the worker (advocacy.sms.opt_in), one task each.
    for start in range(0, len(to_text_ids), BATCH_SIZE):
        chunk = to_text_ids[start : start + BATCH_SIZE]
        for subscriber in Subscriber.objects.filter(pk__in=chunk).order_by("pk").iterator():
            start_opt_in(subscriber)
            result.codes_queued += 1
    return result


def _use_connection(shared) -> None:
    """Make ``shared`` this thread's default connection (as Django's live
    test server does)."""
    connections[DEFAULT_DB_ALIAS] = shared


def _check_batch(batch: list[tuple[int, dict]], validator: _Validator, result: ImportResult):
    """The rows of ``batch`` that pass every check needing no database; the
    others are added to ``result.errors`` with their line."""
    checked: list[_Row] = []
    for line, row in batch:
        try:
            checked.append(validator.check(line, row))
        except SubscriptionError as exc:
            result.errors.append((line, str(exc)))
    return checked


def _store_batch(
    checked: list[_Row],
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
    new_subscribers = [_new_subscriber(row) for row in new_rows]
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

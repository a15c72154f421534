"""Storing many new subscribers, with their areas and topics, in a few statements.

Used by the CSV import (``advocacy.importing``), which checks every row
first. On PostgreSQL a batch is sent with ``COPY`` into a temporary table
and moved into the subscriber and link tables by one ``INSERT … SELECT``
statement; parsing a multi-row ``INSERT`` with ten parameters per row cost
the server more than storing the rows. Other databases (SQLite in
development) get multi-row ``INSERT … RETURNING`` statements.

Either way an address (or number) that someone signed up with after the
import looked it up is skipped (``ON CONFLICT DO NOTHING``), not an error:
the caller counts it as already on the list.

A row may have an address, a number or both; rows are told apart by
``NewSubscriber.key``: the address's hash, or the number's when there is no
address (the two kinds of hash never collide).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from advocacy.models import StoppedNumber, Subscriber, SuppressedAddress

# The import's own staging table: temporary, so each connection has its own.
STAGING_TABLE = "faro_import_subscribers"
# Rows per multi-row INSERT where COPY is not available.
ROWS_PER_INSERT = 500

# COPY's text format: these characters are written as backslash escapes.
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


@dataclass(slots=True)
class NewSubscriber:
    """One checked row to store: the address and number already encrypted
    and hashed ("" and None when the row has none)."""

    email_ciphertext: str
    email_hash: str | None
    language: str
    status: str
    confirmed_at: dt.datetime | None
    area_ids: tuple[int, ...]
    topic_ids: tuple[int, ...]
    phone_ciphertext: str = ""
    phone_hash: str | None = None
    phone_confirmed_at: dt.datetime | None = None
    email_awaiting_confirmation: bool = False

    @property
    def key(self) -> str:
        """What ``insert`` names this row by: the address hash, else the number's."""
        return self.email_hash or self.phone_hash


def copy_text_field(value) -> str:
    """``value`` as one field of PostgreSQL's COPY text format.

    ``None`` is ``\\N``; backslashes, tabs, newlines and carriage returns are
    escaped, so any text arrives as it was. Lists become array literals of
    their (integer) items.
    """
    if value is None:
        return "\\N"
    if isinstance(value, (list, tuple)):
        return "{" + ",".join(str(int(item)) for item in value) + "}"
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return str(value).translate(_COPY_ESCAPES)


@contextmanager
def subscriber_inserter() -> Iterator[SubscriberInserter]:
    """A ``SubscriberInserter`` for the default database; on PostgreSQL its
    staging table lives as long as the ``with`` block."""
    inserter = SubscriberInserter()
    try:
        yield inserter
    finally:
        inserter.close()


class SubscriberInserter:
    """Inserts batches of ``NewSubscriber`` rows; see the module docstring."""

    def __init__(self):
        self.uses_copy = connection.vendor == "postgresql"
        self._fields = [
            field for field in Subscriber._meta.concrete_fields if not field.primary_key
        ]
        self.columns = [field.attname for field in self._fields]
        if self.uses_copy:
            with connection.cursor() as cursor:
                # Each batch's statement empties it (DELETE … RETURNING
                # feeds the insert), and every commit truncates it, so it
                # neither grows nor needs a statement of its own per batch.
                cursor.execute(
                    f"DROP TABLE IF EXISTS {STAGING_TABLE};"
                    f" CREATE TEMPORARY TABLE {STAGING_TABLE} ("
                    "position integer, email_ciphertext text, email_hash text,"
                    " language text, status text, confirmed_at timestamptz,"
                    " phone_ciphertext text, phone_hash text, phone_confirmed_at timestamptz,"
                    " email_awaiting_confirmation boolean,"
                    " area_ids bigint[], topic_ids bigint[]) ON COMMIT DELETE ROWS"
                )

    def insert(self, rows: Sequence[NewSubscriber]) -> dict[str, tuple[int, str]]:
        """Insert ``rows`` (distinct hashes, none suppressed) in one transaction.

        Returns (subscriber id, status) by ``NewSubscriber.key`` for the rows
        inserted; a row whose address or number is on the list by now is
        left out. Ids are given in the rows' order.
        """
        if not rows:
            return {}
        defaults = self._defaults()
        with transaction.atomic():
            if self.uses_copy:
                return self._insert_by_copy(rows, defaults)
            return self._insert_by_values(rows, defaults)

    def close(self) -> None:
        """Drop the staging table, leaving the connection as it was."""
        if self.uses_copy:
            with connection.cursor() as cursor:
                cursor.execute(f"DROP TABLE IF EXISTS {STAGING_TABLE}")

    def _defaults(self) -> dict[str, object]:
        """Database values of the columns an import does not set, computed once
        per batch (so a batch shares one ``created_at``)."""
        now = timezone.now()
        return {
            field.attname: field.get_db_prep_save(
                now if field.attname == "updated_at" else field.get_default(), connection
            )
            for field in self._fields
        }

    def _insert_by_copy(
        self, rows: Sequence[NewSubscriber], defaults: dict
    ) -> dict[str, tuple[int, str]]:
        own = (
            "email_ciphertext",
            "email_hash",
            "language",
            "status",
            "confirmed_at",
            "phone_ciphertext",
            "phone_hash",
            "phone_confirmed_at",
            "email_awaiting_confirmation",
        )
        buffer = io.StringIO()
        for position, row in enumerate(rows):
            buffer.write(
                "\t".join(
                    copy_text_field(value)
                    for value in (
                        position,
                        row.email_ciphertext,
                        row.email_hash,
                        row.language,
                        row.status,
                        row.confirmed_at,
                        row.phone_ciphertext,
                        row.phone_hash,
                        row.phone_confirmed_at,
                        "t" if row.email_awaiting_confirmation else "f",
                        row.area_ids,
                        row.topic_ids,
                    )
                )
            )
            buffer.write("\n")
        buffer.seek(0)
        with connection.cursor() as cursor:
            cursor.cursor.copy_expert(
                f"COPY {STAGING_TABLE} (position, {', '.join(own)}, area_ids, topic_ids)"
                " FROM STDIN",
                buffer,
            )
            quote = connection.ops.quote_name
            selected, params = [], []
            for name in self.columns:
                if name in own:
                    selected.append(f"staged.{name}")
                else:
                    selected.append("%s")
                    params.append(defaults[name])
            areas = Subscriber.areas.through._meta.db_table
            topics = Subscriber.topics.through._meta.db_table
            # One statement: the subscribers (in file order, so ids follow
            # it), then the links of those actually inserted.
            cursor.execute(
                f"WITH staged AS (DELETE FROM {STAGING_TABLE} RETURNING *"
                f"), inserted AS ("
                f" INSERT INTO {quote(Subscriber._meta.db_table)}"
                f" ({', '.join(quote(name) for name in self.columns)})"
                f" SELECT {', '.join(selected)} FROM staged ORDER BY staged.position"
                f" ON CONFLICT DO NOTHING"
                f" RETURNING id, coalesce(email_hash, phone_hash) AS key, status"
                f"), linked AS ("
                f" SELECT inserted.id, staged.area_ids, staged.topic_ids"
                f" FROM inserted JOIN staged"
                f" ON inserted.key = coalesce(staged.email_hash, staged.phone_hash)"
                f"), area_links AS ("
                f" INSERT INTO {quote(areas)} (subscriber_id, area_id)"
                f" SELECT id, unnest(area_ids) FROM linked"
                f"), topic_links AS ("
                f" INSERT INTO {quote(topics)} (subscriber_id, topic_id)"
                f" SELECT id, unnest(topic_ids) FROM linked"
                f") SELECT key, id, status FROM inserted",
                params,
            )
            return {hashed: (pk, status) for hashed, pk, status in cursor.fetchall()}

    def _insert_by_values(
        self, rows: Sequence[NewSubscriber], defaults: dict
    ) -> dict[str, tuple[int, str]]:
        quote = connection.ops.quote_name
        values = []
        for row in rows:
            own = {
                "email_ciphertext": row.email_ciphertext,
                "email_hash": row.email_hash,
                "language": row.language,
                "status": row.status,
                "confirmed_at": connection.ops.adapt_datetimefield_value(row.confirmed_at),
                "phone_ciphertext": row.phone_ciphertext,
                "phone_hash": row.phone_hash,
                "phone_confirmed_at": connection.ops.adapt_datetimefield_value(
                    row.phone_confirmed_at
                ),
                "email_awaiting_confirmation": row.email_awaiting_confirmation,
            }
            values.append(tuple(own.get(name, defaults[name]) for name in self.columns))
        placeholders = "(" + ", ".join(["%s"] * len(self.columns)) + ")"
        stored: dict[str, tuple[int, str]] = {}
        with connection.cursor() as cursor:
            for start in range(0, len(values), ROWS_PER_INSERT):
                chunk = values[start : start + ROWS_PER_INSERT]
                cursor.execute(
                    f"INSERT INTO {quote(Subscriber._meta.db_table)}"
                    f" ({', '.join(quote(name) for name in self.columns)})"
                    f" VALUES {', '.join([placeholders] * len(chunk))}"
                    f" ON CONFLICT DO NOTHING"
                    f" RETURNING id, coalesce(email_hash, phone_hash), status",
                    [value for row in chunk for value in row],
                )
                stored.update((hashed, (pk, status)) for pk, hashed, status in cursor.fetchall())
        area_links, topic_links = [], []
        for row in rows:
            if row.key in stored:
                pk = stored[row.key][0]
                area_links += [(pk, area_id) for area_id in row.area_ids]
                topic_links += [(pk, topic_id) for topic_id in row.topic_ids]
        _insert_pairs(Subscriber.areas.through, "area_id", area_links)
        _insert_pairs(Subscriber.topics.through, "topic_id", topic_links)
        return stored


def _insert_pairs(through, column: str, pairs: list[tuple[int, int]]) -> None:
    """Insert (subscriber id, other id) rows into a many-to-many table.

    Plain multi-row INSERTs rather than ``bulk_create``: building and
    compiling a model instance per link costs more than everything else an
    import does per row, and these rows have no defaults or signals.
    """
    table = connection.ops.quote_name(through._meta.db_table)
    columns = f"{connection.ops.quote_name('subscriber_id')}, {connection.ops.quote_name(column)}"
    with connection.cursor() as cursor:
        for start in range(0, len(pairs), ROWS_PER_INSERT):
            chunk = pairs[start : start + ROWS_PER_INSERT]
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {', '.join(['(%s, %s)'] * len(chunk))}",
                [value for pair in chunk for value in pair],
            )


def lookup_hashes(hashes: Sequence[str]) -> tuple[set[str], dict[str, tuple[int, str]]]:
    """Of ``hashes``: those suppressed, and (id, status) of those already subscribed.

    Plain SQL: compiling an ORM ``__in`` lookup of a thousand values cost
    more than running it.
    """
    if not hashes:
        return set(), {}
    quote = connection.ops.quote_name
    placeholders = ", ".join(["%s"] * len(hashes))
    suppressed: set[str] = set()
    existing: dict[str, tuple[int, str]] = {}
    with connection.cursor() as cursor:
        # One statement, not two: on a busy machine each round trip waits
        # for both processes to be scheduled.
        cursor.execute(
            f"SELECT email_hash, NULL, NULL FROM {quote(SuppressedAddress._meta.db_table)}"
            f" WHERE email_hash IN ({placeholders})"
            f" UNION ALL SELECT email_hash, id, status FROM {quote(Subscriber._meta.db_table)}"
            f" WHERE email_hash IN ({placeholders})",
            [*hashes, *hashes],
        )
        for hashed, pk, status in cursor.fetchall():
            if pk is None:
                suppressed.add(hashed)
            else:
                existing[hashed] = (pk, status)
    return suppressed, existing


def lookup_phone_hashes(hashes: Sequence[str]) -> tuple[set[str], set[str]]:
    """Of number ``hashes``: those that sent STOP, and those already on the list."""
    if not hashes:
        return set(), set()
    quote = connection.ops.quote_name
    placeholders = ", ".join(["%s"] * len(hashes))
    stopped: set[str] = set()
    listed: set[str] = set()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT phone_hash, 1 FROM {quote(StoppedNumber._meta.db_table)}"
            f" WHERE phone_hash IN ({placeholders})"
            f" UNION ALL SELECT phone_hash, 0 FROM {quote(Subscriber._meta.db_table)}"
            f" WHERE phone_hash IN ({placeholders})",
            [*hashes, *hashes],
        )
        for hashed, is_stopped in cursor.fetchall():
            (stopped if is_stopped else listed).add(hashed)
    return stopped, listed

"""Running an import: one thread reads and checks a batch while another
stores the one before; then the confirmation mails and codes go out."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import BinaryIO

from django.core.mail import get_connection
from django.db import DEFAULT_DB_ALIAS, connections

from advocacy.importing.checking import ImportResult, RowValidator, check_batch
from advocacy.importing.reading import CsvRows, batches, count_rows, csv_text
from advocacy.importing.storing import store_batch
from advocacy.models import Subscriber
from advocacy.sms.opt_in import start_opt_in
from advocacy.subscriber_inserts import subscriber_inserter
from advocacy.subscriptions import send_subscription_mail

# Rows validated, looked up and inserted together.
BATCH_SIZE = 1000


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
    validator = RowValidator()
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
            csv_text(source) as text,
            subscriber_inserter() as inserter,
            ThreadPoolExecutor(1, initializer=_use_connection, initargs=(shared,)) as storing,
        ):
            pending: tuple[Future, int] | None = None
            for batch in batches(CsvRows(text), BATCH_SIZE):
                checked = check_batch(batch, validator, result)
                if pending:
                    pending[0].result()
                    done += pending[1]
                    if progress and (done - reported >= progress_every or done == total):
                        progress(done, total)
                        reported = done
                pending = (
                    storing.submit(
                        store_batch,
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

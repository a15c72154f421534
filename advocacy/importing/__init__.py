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

The package's modules, in the order a row goes through them: ``reading``
(the file and its header), ``checking`` (each row, no database),
``storing`` (lookups and inserts) and ``running`` (the batches, the two
threads, progress, then mails and codes). Callers import from here.
"""

from advocacy.importing.checking import ImportResult
from advocacy.importing.reading import (
    COLUMNS,
    OPTIONAL_COLUMNS,
    ImportFileError,
    count_rows,
    read_rows,
)
from advocacy.importing.running import BATCH_SIZE, import_subscribers

__all__ = [
    "BATCH_SIZE",
    "COLUMNS",
    "OPTIONAL_COLUMNS",
    "ImportFileError",
    "ImportResult",
    "count_rows",
    "import_subscribers",
    "read_rows",
]

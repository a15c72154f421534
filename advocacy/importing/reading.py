"""Reading the CSV: the text (UTF-8, streamed from a file), the checked
header, and the data rows with their line numbers."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from contextlib import contextmanager
from typing import BinaryIO, TextIO

COLUMNS = ("email", "language", "areas", "topics", "consent_date")


OPTIONAL_COLUMNS = ("phone",)


class ImportFileError(ValueError):
    """The file as a whole cannot be read (encoding, header)."""


@contextmanager
def csv_text(source: bytes | BinaryIO) -> Iterator[TextIO]:
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


class CsvRows:
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


def batches(rows: CsvRows, size: int) -> Iterator[list[tuple[int, dict]]]:
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
    with csv_text(source) as text:
        return list(CsvRows(text))


def count_rows(source: bytes | BinaryIO) -> int:
    """How many data rows the CSV holds; raises ImportFileError.

    Reading the whole file first also finds a file that is not UTF-8 before
    any row is imported.
    """
    reader = None
    try:
        with csv_text(source) as text:
            reader = CsvRows(text).reader
            return sum(1 for fields in reader if fields)
    except UnicodeDecodeError:
        near = reader.line_num + 1 if reader else 1
        raise ImportFileError(
            f"the file is not UTF-8 text (near line {near}); save it as CSV UTF-8"
        ) from None

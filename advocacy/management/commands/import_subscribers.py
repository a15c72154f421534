"""manage.py import_subscribers FILE.csv: move a list from another tool."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from advocacy.importing import COLUMNS, ImportFileError, import_subscribers


class Command(BaseCommand):
    help = (
        f"Import subscribers from a CSV file with the header {','.join(COLUMNS)} "
        "and an optional phone column (a row may have a phone and no email). "
        "areas and topics are ;-separated slugs; consent_date is YYYY-MM-DD. Rows with a "
        "consent date become active; others get a confirmation email, and their phone "
        "numbers a code by text message. Safe to re-run."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="path to the CSV file (UTF-8)")
        parser.add_argument(
            "--resend-pending",
            action="store_true",
            help="mail a new confirmation link to listed addresses that are still pending",
        )

    def handle(self, *args, file, resend_pending, **options):
        path = Path(file)
        try:
            # Streamed, not read whole: a long list costs no more memory than a short one.
            source = path.open("rb")
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror}.") from None

        # A bar that redraws in place on a terminal; plain lines otherwise
        # (a log file or a pipe gets "processed N of M rows").
        on_terminal = sys.stderr.isatty()
        bars: list[tqdm] = []

        def progress(done, total):
            if not on_terminal:
                self.stdout.write(f"processed {done} of {total} rows")
                return
            if not bars:
                bars.append(tqdm(total=total, unit=" rows", file=sys.stderr))
            bars[0].update(done - bars[0].n)

        try:
            result = import_subscribers(source, progress=progress, resend_pending=resend_pending)
        except ImportFileError as exc:
            raise CommandError(f"{path}: {exc}. Nothing was imported.") from None
        finally:
            source.close()
            for bar in bars:
                bar.close()

        for line, reason in result.errors:
            self.stderr.write(f"{path}:{line}: {reason}")
        self.stdout.write(
            f"{result.active} imported as active, {result.pending} imported as pending "
            f"(confirmation email sent), {result.already_listed} already on the list, "
            f"{len(result.errors)} bad rows."
            + (
                f" {result.codes_queued} codes queued by text message."
                if result.codes_queued
                else ""
            )
        )
        if result.mails_failed:
            self.stderr.write(
                f"{result.mails_failed} confirmation emails could not be handed to the mail "
                "server; those addresses stay pending. Fix EMAIL_URL and re-run the same file "
                "with --resend-pending."
            )
        if result.errors:
            raise CommandError(
                f"{len(result.errors)} rows were not imported (reasons above); "
                "every other row was imported. Fix those rows and re-run the same file."
            )

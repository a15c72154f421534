"""manage.py import_subscribers FILE.csv: move a list from another tool."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from advocacy.importing import COLUMNS, ImportFileError, import_subscribers


class Command(BaseCommand):
    help = (
        f"Import subscribers from a CSV file with the header {','.join(COLUMNS)}. "
        "areas and topics are ;-separated slugs; consent_date is YYYY-MM-DD. Rows with a "
        "consent date become active; others get a confirmation email. Safe to re-run."
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
            raw = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror}.") from None

        def progress(done, total):
            self.stdout.write(f"processed {done} of {total} rows")

        try:
            result = import_subscribers(raw, progress=progress, resend_pending=resend_pending)
        except ImportFileError as exc:
            raise CommandError(f"{path}: {exc}. Nothing was imported.") from None

        for line, reason in result.errors:
            self.stderr.write(f"{path}:{line}: {reason}")
        self.stdout.write(
            f"{result.active} imported as active, {result.pending} imported as pending "
            f"(confirmation email sent), {result.already_listed} already on the list, "
            f"{len(result.errors)} bad rows."
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

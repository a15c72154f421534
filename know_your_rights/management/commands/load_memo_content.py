"""Load the guides built on the 2017 NYPD memo, in all twelve languages (idempotent)."""

from django.core.management.base import BaseCommand, CommandError

from know_your_rights.seeding import SeedError, load_memo_content


class Command(BaseCommand):
    help = (
        "Create the memo's policy source and statements and the know-your-rights guides, "
        "with machine-made translations marked 'needs review'. On content an earlier seed wrote it "
        "brings the English and the translations up to date (they need review again) and keeps "
        "what a person has edited. A second run changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--language",
            action="append",
            dest="languages",
            help="Translate only into this language (repeatable). Default: all.",
        )

    def handle(self, *args, languages=None, **options):
        try:
            report = load_memo_content(languages)
        except SeedError as error:
            raise CommandError(str(error)) from error
        if report.changed:
            self.stdout.write(
                f"load_memo_content: created {len(report.created)} items, "
                f"updated {len(report.updated)}."
            )
        else:
            self.stdout.write("load_memo_content: everything was already there; nothing changed.")
        for item in report.kept:
            self.stdout.write(f"  kept (a person has edited it): {item}")

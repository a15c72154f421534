"""Record that a policy statement was checked against current policy, from a shell.

    manage.py verify_policy_statement STATEMENT_ID --source-title T --source-date D
        [--source-url U] [--source-kind KIND] [--source-issuer I]
        [--checked-on YYYY-MM-DD] [--note TEXT] [--user USERNAME]

A verification says the statement is in force as stated; it changes nothing
and marks no guide. Prints the event and the guide pages whose "may be out
of date" notice it took away (every statement they cite is now verified
within POLICY_REVIEW_DAYS). Bad input: an error, exit status 1, nothing
written.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import formats

from know_your_rights.management.commands.record_policy_change import (
    add_source_arguments,
    source_from,
    statement_by_id,
    user_by_name,
)
from know_your_rights.tracker.checks import TrackerError
from know_your_rights.tracker.due import guides_no_longer_out_of_date
from know_your_rights.tracker.recording import record_verification
from know_your_rights.tracker.shell import describe_source, parse_date


class Command(BaseCommand):
    help = (
        "Record that a policy statement was checked against current policy (on a source); "
        "guides whose statements are then all verified lose their 'may be out of date' notice."
    )

    def add_arguments(self, parser):
        parser.add_argument("statement_id", type=int, help="The PolicyStatement's id.")
        add_source_arguments(parser)
        parser.add_argument(
            "--checked-on", help="The day it was checked: YYYY-MM-DD (default: today)."
        )
        parser.add_argument("--note", default="", help="What was checked.")
        parser.add_argument("--user", help="The username to record it as recorded by.")

    def handle(self, *args, **options):
        statement = statement_by_id(options["statement_id"])
        user = user_by_name(options["user"])
        was_out_of_date = statement.is_out_of_date()
        try:
            checked_on = parse_date(options["checked_on"]) if options["checked_on"] else None
            with transaction.atomic():
                source, made = source_from(options)
                event = record_verification(
                    statement, source=source, checked_on=checked_on, note=options["note"], user=user
                )
        except TrackerError as error:
            raise CommandError(error.message) from error
        english = event.statement
        self.stdout.write(
            f"Recorded verification #{event.sequence} of statement {english.key} "
            f"(id {english.pk}): checked on {formats.date_format(event.checked_on)}."
        )
        self.stdout.write(f"Source: {describe_source(source)}{' (new)' if made else ''}.")
        cleared = guides_no_longer_out_of_date(english) if was_out_of_date else []
        if not cleared:
            self.stdout.write('No guide\'s "may be out of date" notice went away.')
            return
        self.stdout.write(
            f'The "may be out of date" notice went away from {len(cleared)} guide pages:'
        )
        for page in cleared:
            self.stdout.write(
                f"  {page.locale.language_code}\t{page.title}\t{page.get_url() or page.url_path}"
            )

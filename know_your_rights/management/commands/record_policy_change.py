"""Record that a policy statement changed, from a shell (scripted imports, operators).

    manage.py record_policy_change STATEMENT_ID --status {in-force,changed,rescinded,superseded}
        [--text-file F] [--superseded-by ID] --source-title T --source-date YYYY[-MM[-DD]]
        [--source-url U] [--source-kind KIND] [--source-issuer I] --effective YYYY-MM-DD
        [--note TEXT] [--user USERNAME]

Prints the event and every guide page (language, title, URL) it marked as
needing update. Bad input: an error naming the problem, exit status 1, and
nothing written (not even the source).
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from know_your_rights.models import GuideUpdateMark, PolicySource, PolicyStatement
from know_your_rights.tracker.checks import TrackerError
from know_your_rights.tracker.recording import record_change
from know_your_rights.tracker.shell import (
    describe_source,
    find_or_make_source,
    parse_partial_date,
)

STATUSES = ["in-force", "changed", "rescinded", "superseded"]


def statement_by_id(value) -> PolicyStatement:
    """The statement with this id (any language), or CommandError."""
    statement = PolicyStatement.objects.filter(pk=value).first()
    if statement is None:
        raise CommandError(f"No policy statement has the id {value}.")
    return statement


def user_by_name(username):
    """The user recording the event, or None when not given."""
    if not username:
        return None
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"No user is called {username!r}.")
    return user


def add_source_arguments(parser) -> None:
    parser.add_argument("--source-title", required=True, help="The source's title.")
    parser.add_argument(
        "--source-date",
        required=True,
        help="The source's date: YYYY, YYYY-MM or YYYY-MM-DD (as much as it gives).",
    )
    parser.add_argument("--source-url", default="", help="Where the source can be read.")
    parser.add_argument(
        "--source-kind",
        choices=PolicySource.Kind.values,
        default=None,
        help="For a new source: what it is (default: memo). An existing source "
        "(same title and date) is reused; if given, its kind must match.",
    )
    parser.add_argument("--source-issuer", default="", help="For a new source: who issued it.")


def source_from(options):
    """The source the options name, reused or made (inside the caller's transaction)."""
    return find_or_make_source(
        options["source_title"],
        parse_partial_date(options["source_date"]),
        kind=options["source_kind"],
        url=options["source_url"],
        issuer=options["source_issuer"],
    )


class Command(BaseCommand):
    help = (
        "Record a change of a policy statement's text or status, on a source, effective on a "
        "date; mark every guide citing it, in every language, as needing update."
    )

    def add_arguments(self, parser):
        parser.add_argument("statement_id", type=int, help="The PolicyStatement's id.")
        parser.add_argument("--status", required=True, choices=STATUSES)
        parser.add_argument(
            "--text-file", help="A UTF-8 file with the statement's new exact words (its quote)."
        )
        parser.add_argument(
            "--superseded-by", type=int, help="With --status superseded: the replacement's id."
        )
        add_source_arguments(parser)
        parser.add_argument(
            "--effective",
            required=True,
            help="When the change takes effect: YYYY-MM-DD (YYYY-MM or YYYY if the "
            "source gives no day).",
        )
        parser.add_argument("--note", default="", help="What changed, in plain language.")
        parser.add_argument("--user", help="The username to record it as recorded by.")

    def handle(self, *args, **options):
        statement = statement_by_id(options["statement_id"])
        replacement = None
        if options["superseded_by"] is not None:
            replacement = statement_by_id(options["superseded_by"])
        quote = None
        if options["text_file"]:
            try:
                with open(options["text_file"], encoding="utf-8") as handle:
                    quote = handle.read()
            except (OSError, UnicodeDecodeError) as error:
                raise CommandError(f"Cannot read {options['text_file']}: {error}") from error
        user = user_by_name(options["user"])
        try:
            with transaction.atomic():
                source, made = source_from(options)
                event = record_change(
                    statement,
                    status=options["status"].replace("-", "_"),
                    source=source,
                    effective_date=parse_partial_date(options["effective"]),
                    note=options["note"],
                    quote=quote,
                    superseded_by=replacement,
                    user=user,
                )
        except TrackerError as error:
            raise CommandError(error.message) from error
        self.report(event, source, made)

    def report(self, event, source, made):
        statement = event.statement
        self.stdout.write(
            f"Recorded change #{event.sequence} to statement {statement.key} "
            f"(id {statement.pk}): {event.get_status_display().lower()}, "
            f"effective {event.effective_display}."
        )
        self.stdout.write(f"Source: {describe_source(source)}{' (new)' if made else ''}.")
        marks = list(
            GuideUpdateMark.objects.filter(event=event)
            .select_related("page", "locale")
            .order_by("locale__language_code", "page__title")
        )
        if not marks:
            self.stdout.write("No guide cites this statement: nothing marked.")
            return
        self.stdout.write(f"Marked {len(marks)} guide pages as needing update:")
        for mark in marks:
            page = mark.page
            self.stdout.write(
                f"  {mark.locale.language_code}\t{page.title}\t{page.get_url() or page.url_path}"
            )

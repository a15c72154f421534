"""`manage.py send_alert PAGE_ID [--update] [--wait]`: the admin's "Send" button, from a shell."""

import time

from django.core.management.base import BaseCommand, CommandError

from advocacy.dispatching.channels import channel_summary
from advocacy.dispatching.ledger import AlreadySent, NotSendable, create_dispatch
from advocacy.dispatching.preparing import audience_for, channel_audiences
from advocacy.models import AlertPage, Dispatch

# How long --wait watches a send before giving up (it keeps going regardless).
WAIT_SECONDS = 600


class Command(BaseCommand):
    help = (
        "Send a published alert to its audience (one dispatch). A second call says it "
        "was already sent and changes nothing, unless --update asks for another send."
    )

    def add_arguments(self, parser):
        parser.add_argument("page_id", type=int, help="The id of the alert page (any language).")
        parser.add_argument(
            "--update", action="store_true", help="Send again (an update) after an earlier send."
        )
        parser.add_argument(
            "--wait",
            action="store_true",
            help="Wait for the send to finish (the workers send it) and print its counts per channel.",
        )

    def handle(self, page_id, update=False, wait=False, **options):
        alert = AlertPage.objects.filter(pk=page_id).first()
        if alert is None:
            raise CommandError(f"No alert page with id {page_id}.")
        try:
            dispatch = create_dispatch(alert, update=update)
        except AlreadySent as exc:
            self.stdout.write(
                f"Alert {page_id} was already sent (dispatch {exc.dispatch.pk}, send "
                f"{exc.dispatch.send_number}); nothing changed. Use --update to send again."
            )
            return
        except NotSendable as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"Dispatch {dispatch.pk} created (send {dispatch.send_number}, "
            f"{'urgent' if dispatch.urgent else 'default'} queue)."
        )
        audiences = channel_audiences(dispatch, audience_for(dispatch))
        self.stdout.write(
            "Recipients now: "
            + ", ".join(f"{channel}: {people.count()}" for channel, people in audiences.items())
        )
        if wait:
            deadline = time.monotonic() + WAIT_SECONDS
            while time.monotonic() < deadline:
                dispatch.refresh_from_db()
                if dispatch.status in (Dispatch.Status.FINISHED, Dispatch.Status.CANCELLED):
                    break
                time.sleep(0.5)
            self.stdout.write(f"Dispatch {dispatch.pk} {dispatch.get_status_display()}.")
            self.stdout.write(channel_summary(dispatch))

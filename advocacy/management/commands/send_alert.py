"""`manage.py send_alert PAGE_ID [--update]`: the admin's "Send" button, from a shell."""

from django.core.management.base import BaseCommand, CommandError

from advocacy.dispatching.ledger import AlreadySent, NotSendable, create_dispatch
from advocacy.models import AlertPage


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

    def handle(self, page_id, update=False, **options):
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

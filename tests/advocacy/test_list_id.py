"""Every email Faro sends to subscribers carries one List-Id (RFC 2919), so a
reader's mail client can file and filter it as one list: the sign-up
confirmation, the "already subscribed" note, an alert and the weekly digest,
as a real SMTP server (aiosmtpd) receives them from a real worker."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.conf import settings as django_settings

from advocacy.digest import queue_weekly_digest
from advocacy.dispatching.ledger import create_dispatch
from advocacy.models import Subscriber
from advocacy.subscriptions import make_choices, subscribe
from tests.factories.advocacy import publish_alert
from tests.support.dispatches import wait_finished
from tests.support.smtp import (
    SlowableHandler,
    SMTPServer,
    mails_to,
    send_own_mail_to,
    start_mail_worker,
)

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def default_list_id() -> str:
    return f"Faro alerts <alerts.{urlsplit(django_settings.SITE_URL).hostname}>"


@pytest.fixture
def mail_server():
    server = SMTPServer(SlowableHandler()).start()
    yield server
    server.stop()


def test_confirmation_alert_and_digest_carry_the_list_id(settings, mail_server):
    send_own_mail_to(settings, mail_server)
    worker = start_mail_worker(mail_server)
    try:
        address = "reader@example.org"
        subscribe(address, make_choices("es", wants_digest=True))
        (confirmation,) = mails_to(mail_server.handler, address, 1)
        assert confirmation.message["List-Id"] == default_list_id()

        subscribe(address, make_choices("es", wants_digest=True))  # a pending repeat
        # As following the link does: the subscriber and the address are confirmed.
        Subscriber.objects.update(
            status=Subscriber.Status.ACTIVE, email_awaiting_confirmation=False
        )
        subscribe(address, make_choices("es", wants_digest=True))  # "already subscribed"
        alert = publish_alert("Checkpoint on 5th Avenue")
        wait_finished(create_dispatch(alert), timeout=90)
        digest = queue_weekly_digest()
        assert digest is not None
        wait_finished(digest, timeout=90)

        received = mails_to(mail_server.handler, address, 5)
        subjects = [mail.message["Subject"] for mail in received]
        assert any("Checkpoint on 5th Avenue" in subject for subject in subjects), subjects
        assert len(received) == 5, subjects
        for mail in received:
            # One header, exactly the list's id, on every kind of message.
            assert mail.message.get_all("List-Id") == [default_list_id()], mail.message["Subject"]
            assert mail.message["List-Unsubscribe"]
    finally:
        worker.stop()


def test_the_list_id_setting_names_the_list(settings, mail_server):
    send_own_mail_to(settings, mail_server)
    settings.LIST_ID = "El Grito alerts <alerts.elgrito.example.org>"
    subscribe("vecina@example.org", make_choices("es"))
    (confirmation,) = mails_to(mail_server.handler, "vecina@example.org", 1)
    assert confirmation.message["List-Id"] == "El Grito alerts <alerts.elgrito.example.org>"

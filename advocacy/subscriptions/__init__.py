"""Subscribing, confirming, changing preferences and leaving.

Views, the API and the worker call these functions; they hold every rule:

* Signing up is two steps. In the web request, ``sign_up_request`` checks the
  input and turns it into a request for the worker, touching no subscriber
  row, so the request takes the same path and the same SQL whether or not
  the address is known. In the worker, ``handle_sign_up`` (``subscribe``)
  decides what to do and which email to send; a slow mail server slows only
  the worker.
* Double opt-in: nobody receives alerts before confirming a signed link;
  a confirmation link works once.
* Changing preferences replaces the management link (see advocacy.tokens).
* Leaving deletes the row and keeps only the keyed hash
  (``SuppressedAddress``); a new sign-up that is confirmed clears it.
* No name and no IP address are ever stored or logged; log lines name a
  subscriber by id at most. The address travels to the worker encrypted.
* Text messages: a sign-up may give an email address, a mobile number, or
  both. The number is checked in the request (``clean_phone``) and, like
  the address, looked up only in the worker; there it gets a code by text
  (``advocacy.sms.opt_in``) and is confirmed by a YES reply or the code on
  the site. Each channel is confirmed on its own; the subscriber is active
  once either is. A row whose channel is already confirmed never has its
  choices changed, nor a channel added, by a public sign-up: only its
  owner may, from the preferences page.

The package's modules, in the order a subscriber meets them: ``checking``
(input into ``Choices``), ``signing_up``, ``mails``, ``confirming``,
``preferences``, ``leaving`` (and the purge); ``rows`` holds the row
changes signing up and preferences share. Callers import from here.
"""

from advocacy.subscriptions.checking import (
    Choices,
    SubscriptionError,
    clean_address,
    clean_phone,
    make_choices,
)
from advocacy.subscriptions.confirming import confirm, confirm_phone_code
from advocacy.subscriptions.leaving import is_suppressed, purge_unconfirmed, suppress, unsubscribe
from advocacy.subscriptions.mails import open_connection, send_subscription_mail
from advocacy.subscriptions.preferences import add_phone, remove_phone, update_preferences
from advocacy.subscriptions.signing_up import (
    MAILS_PER_ADDRESS_PER_HOUR,
    TEXTS_PER_NUMBER_PER_HOUR,
    handle_sign_up,
    queue_sign_up,
    sign_up_request,
    subscribe,
)

__all__ = [
    "MAILS_PER_ADDRESS_PER_HOUR",
    "TEXTS_PER_NUMBER_PER_HOUR",
    "Choices",
    "SubscriptionError",
    "add_phone",
    "clean_address",
    "clean_phone",
    "confirm",
    "confirm_phone_code",
    "handle_sign_up",
    "is_suppressed",
    "make_choices",
    "open_connection",
    "purge_unconfirmed",
    "queue_sign_up",
    "remove_phone",
    "send_subscription_mail",
    "sign_up_request",
    "subscribe",
    "suppress",
    "unsubscribe",
    "update_preferences",
]

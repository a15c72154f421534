"""Changes to a subscriber row that signing up and the preferences page share."""

from __future__ import annotations

from advocacy.models import Subscriber
from advocacy.subscriptions.checking import Choices


def apply_choices(subscriber: Subscriber, choices: Choices) -> None:
    """Save ``choices`` on ``subscriber``: language, digest, then its areas and topics."""
    subscriber.language = choices.language
    subscriber.wants_digest = choices.wants_digest
    subscriber.save()
    subscriber.areas.set(choices.areas)
    subscriber.topics.set(choices.topics)


def drop_phone(subscriber: Subscriber) -> None:
    """Take an unconfirmed number off ``subscriber``; a row left with no channel is deleted."""
    if not subscriber.email_hash:
        subscriber.delete()
        return
    subscriber.phone = None
    subscriber.phone_code_hash = ""
    subscriber.phone_code_expires_at = None
    subscriber.phone_code_attempts = 0
    subscriber.save()

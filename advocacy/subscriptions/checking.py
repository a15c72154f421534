"""Checking what a sign-up gives: the address, the number, and the choices
(language, areas, topics, digest) made into ``Choices``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from advocacy.crypto import normalise_email
from advocacy.models import Area, Topic
from advocacy.sms.numbers import InvalidPhoneNumber, parse_mobile_number


class SubscriptionError(ValueError):
    """Input the caller must correct (bad address, unknown language, area or topic)."""


@dataclass(frozen=True)
class Choices:
    """What a subscriber chose: language, areas and topics (empty = all), digest."""

    language: str
    areas: tuple[Area, ...] = ()
    topics: tuple[Topic, ...] = ()
    wants_digest: bool = False


def clean_address(address: str) -> str:
    """The normalised address, or ``SubscriptionError`` if it is not an email address."""
    address = normalise_email(address or "")
    try:
        validate_email(address)
    except ValidationError:
        raise SubscriptionError(_("Enter a valid email address.")) from None
    if len(address) > 254:
        raise SubscriptionError(_("Enter a valid email address."))
    return address


def clean_phone(raw: str) -> str:
    """The number in E.164, or ``SubscriptionError`` saying why it is refused
    (not a number, no such number, cannot receive text messages)."""
    try:
        return parse_mobile_number(raw)
    except InvalidPhoneNumber as exc:
        raise SubscriptionError(str(exc.message)) from None


def make_choices(language: str, areas: Iterable = (), topics: Iterable = (), wants_digest=False):
    """Validate a language code and area/topic slugs (or instances) into ``Choices``."""
    if language not in dict(settings.LANGUAGES):
        raise SubscriptionError(_("Choose one of the languages offered."))
    return Choices(
        language=language,
        areas=tuple(_resolve(Area, areas, _("Unknown area: %(slug)s"))),
        topics=tuple(_resolve(Topic, topics, _("Unknown topic: %(slug)s"))),
        wants_digest=bool(wants_digest),
    )


def _resolve(model, items: Iterable, message: str) -> list:
    items = list(items)
    slugs = {item for item in items if isinstance(item, str)}
    found = {obj.slug: obj for obj in model.objects.filter(slug__in=slugs)}
    missing = sorted(slugs - found.keys())
    if missing:
        raise SubscriptionError(message % {"slug": ", ".join(missing)})
    return [found[item] if isinstance(item, str) else item for item in items]

"""Phone numbers as Faro accepts them: parsed with ``phonenumbers``, kept in
E.164, and only when the number can receive text messages."""

from __future__ import annotations

import phonenumbers
from django.conf import settings
from django.utils.translation import gettext_lazy as _

__all__ = ["InvalidPhoneNumber", "parse_mobile_number"]

# Types that can receive SMS. FIXED_LINE_OR_MOBILE is what North American
# numbers are, since their numbering plan does not tell the two apart.
_MOBILE_TYPES = {
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    phonenumbers.PhoneNumberType.PAGER,
}


class InvalidPhoneNumber(ValueError):
    """A number that was refused; ``message`` says why, in the active language."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def parse_mobile_number(raw: str, region: str | None = None) -> str:
    """The E.164 form (``+17185550123``) of a number typed by a person.

    ``region`` (default ``SMS_DEFAULT_REGION``) reads numbers written
    without a country code, as a neighbour writes their own. Raises
    ``InvalidPhoneNumber`` when the text is not a phone number, is not a
    valid number, or is a number that cannot receive text messages (a
    landline, a toll-free or premium line).
    """
    text = (raw or "").strip()
    if not text:
        raise InvalidPhoneNumber(_("Enter a mobile phone number."))
    try:
        number = phonenumbers.parse(text, region or settings.SMS_DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        raise InvalidPhoneNumber(
            _("This is not a phone number. Write it with its area code, like 718 555 0123.")
        ) from None
    if not phonenumbers.is_valid_number(number):
        raise InvalidPhoneNumber(
            _("This phone number does not exist. Check the area code and the digits.")
        )
    if phonenumbers.number_type(number) not in _MOBILE_TYPES:
        raise InvalidPhoneNumber(
            _("This number cannot receive text messages. Enter a mobile phone number.")
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)

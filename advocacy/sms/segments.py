"""How long a text message is on the air: its encoding and its segments.

A text goes as GSM-7 when every character is in the GSM 03.38 basic table
or its extension table (an extension character takes two septets: the
escape and the character); otherwise the whole text goes as UCS-2, where a
character outside the Basic Multilingual Plane (most emoji) takes two code
units. One segment holds 160 septets or 70 code units; a longer text is
split into segments of 153 septets or 67 code units (the rest is the
concatenation header). A septet pair or a surrogate pair is never split
across two segments, so a segment may hold one unit less than its room.

Written here rather than taken from PyPI: the packages that know GSM 03.38
are codecs (``gsm0338``) or counters with a different notion of length
(``sms-counter`` counts characters, not the concatenated segments' room);
none is in the lock, and the admin's live measure asks this module (one
source of truth, see ``advocacy.sms_measure_views``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

__all__ = ["GSM7", "UCS2", "Measure", "measure", "segment_limit_error"]

GSM7 = "GSM-7"
UCS2 = "UCS-2"

# GSM 03.38 basic character set (3GPP TS 23.038 §6.2.1), in table order;
# 0x1B (the escape to the extension table) is left out.
GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅå"
    "Δ_ΦΓΛΩΠΨΣΘΞÆæßÉ"
    " !\"#¤%&'()*+,-./"
    "0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNO"
    "PQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmno"
    "pqrstuvwxyzäöñüà"
)
# The default extension table (§6.2.1.1): each costs the escape plus itself.
GSM_EXTENSION = frozenset("\f^{}\\[~]|€")

SINGLE_SEGMENT = {GSM7: 160, UCS2: 70}
CONCATENATED_SEGMENT = {GSM7: 153, UCS2: 67}


@dataclass(frozen=True)
class Measure:
    """One text's ``encoding`` (GSM7 or UCS2), ``characters`` (as typed),
    ``units`` (septets or UTF-16 code units on the air) and ``segments``."""

    encoding: str
    characters: int
    units: int
    segments: int

    def as_dict(self) -> dict:
        """The measure as JSON-ready data (the admin's live measure)."""
        return {
            "encoding": self.encoding,
            "characters": self.characters,
            "units": self.units,
            "segments": self.segments,
        }


def is_gsm7(text: str) -> bool:
    """Whether every character of ``text`` is in GSM 03.38 (basic or extension)."""
    return all(char in GSM_BASIC or char in GSM_EXTENSION for char in text)


def _unit_sizes(text: str, encoding: str) -> list[int]:
    if encoding == GSM7:
        return [2 if char in GSM_EXTENSION else 1 for char in text]
    return [2 if ord(char) > 0xFFFF else 1 for char in text]


def _segments(sizes: list[int], encoding: str) -> int:
    total = sum(sizes)
    if total == 0:
        return 0
    if total <= SINGLE_SEGMENT[encoding]:
        return 1
    room = CONCATENATED_SEGMENT[encoding]
    segments, used = 1, 0
    for size in sizes:
        if used + size > room:  # a pair never straddles two segments
            segments, used = segments + 1, 0
        used += size
    return segments


def measure(text: str) -> Measure:
    """The encoding, characters, units and segments of ``text`` as a gateway sends it."""
    encoding = GSM7 if is_gsm7(text) else UCS2
    sizes = _unit_sizes(text, encoding)
    return Measure(encoding, len(text), sum(sizes), _segments(sizes, encoding))


def segment_limit_error(text: str, limit: int | None = None) -> str | None:
    """Why ``text`` may not be sent (more segments than ``limit``, default
    SMS_MAX_SEGMENTS), translated; None when it fits."""
    limit = int(settings.SMS_MAX_SEGMENTS if limit is None else limit)
    segments = measure(text).segments
    if segments <= limit:
        return None
    return _(
        "The text message is %(segments)d segments long; the limit is %(limit)d "
        "(SMS_MAX_SEGMENTS). Shorten it before it is approved."
    ) % {"segments": segments, "limit": limit}

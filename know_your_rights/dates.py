"""Dates that may be partial: a year, a year and month, or a full day.

The memo gives no date; we know only the year. A reader must see exactly what
is known ("2017, day not given"), never a made-up day.
"""

from __future__ import annotations

import datetime

from django.utils import formats, translation
from django.utils.dates import MONTHS
from django.utils.translation import gettext


def validate_partial_date(year: int | None, month: int | None, day: int | None) -> None:
    """Raise ValueError unless the parts make a real (possibly partial) date."""
    if year is None:
        if month is not None or day is not None:
            raise ValueError(gettext("A month or day needs a year."))
        return
    if day is not None and month is None:
        raise ValueError(gettext("A day needs a month."))
    if month is not None and not 1 <= month <= 12:
        raise ValueError(gettext("The month must be between 1 and 12."))
    if day is not None:
        datetime.date(year, month, day)  # raises ValueError for 31 February


def format_partial_date(
    year: int | None, month: int | None, day: int | None, language: str | None = None
) -> str:
    """The date as much as it is known, in `language` (default: the active language).

    `2017` becomes "2017 (day not given)"; no year at all says "date not given".
    The API passes the language a partner asked for with `?lang=`, which the
    locale middleware never activates.
    """
    if language:
        with translation.override(language):
            return _format_partial_date(year, month, day)
    return _format_partial_date(year, month, day)


def _format_partial_date(year: int | None, month: int | None, day: int | None) -> str:
    if year is None:
        return gettext("date not given")
    if month is None:
        return gettext("%(year)s (day not given)") % {"year": year}
    if day is None:
        return gettext("%(month)s %(year)s (day not given)") % {
            "month": MONTHS[month],
            "year": year,
        }
    return formats.date_format(datetime.date(year, month, day), "DATE_FORMAT")

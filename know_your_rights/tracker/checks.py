"""The policy tracker's input checks and refusals (used by ``recording``).

Every refusal is a TrackerError carrying a translated sentence for the person
who typed the input; nothing here writes to the database.
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Locale

from know_your_rights.dates import format_partial_date, validate_partial_date
from know_your_rights.models.policy import PolicySource, PolicyStatement
from know_your_rights.models.tracker import PolicyEvent

Status = PolicyStatement.Status


class TrackerError(ValueError):
    """Input the tracker refuses; `message` is a translated sentence for the person."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = str(message)


class StaleHistory(TrackerError):
    """Someone recorded an event on this statement since the caller loaded it: reload."""

    def __init__(self, latest: PolicyEvent):
        at = timezone.localtime(latest.recorded_at).strftime("%H:%M")
        super().__init__(
            _("Someone recorded a change to this statement at %(time)s; reload to see it.")
            % {"time": at}
        )
        self.latest = latest


def english_statement(statement: PolicyStatement) -> PolicyStatement:
    """The source-language version of `statement` (itself when it is English)."""
    default_locale_id = Locale.get_default().pk
    if statement.locale_id == default_locale_id:
        return statement
    return PolicyStatement.objects.get(
        translation_key=statement.translation_key, locale_id=default_locale_id
    )


def english_source(source: PolicySource | None) -> PolicySource:
    """The English version of `source` (itself when it has none); TrackerError when missing."""
    if source is None:
        raise TrackerError(_("Give the source that says so: a memo, law, ruling, order or report."))
    default_locale_id = Locale.get_default().pk
    if source.locale_id == default_locale_id:
        return source
    return (
        PolicySource.objects.filter(
            translation_key=source.translation_key, locale_id=default_locale_id
        ).first()
        or source
    )


def checked_status(value) -> str:
    """`value` as a PolicyStatement status ("in-force" or "in_force"); TrackerError if unknown."""
    text = str(value).replace("-", "_")
    if text not in Status.values:
        raise TrackerError(
            _("Unknown status “%(status)s”: use in force, changed, rescinded or superseded.")
            % {"status": value}
        )
    return text


def _one_year_after(day: datetime.date) -> datetime.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def effective_parts(effective_date) -> tuple[int, int | None, int | None]:
    """(year, month, day) of an effective date given as a date or a partial tuple.

    Raises TrackerError when the date is missing, not a real date, or more than a
    year ahead (a likely typing error: the earliest day it can mean is checked).
    """
    if effective_date is None:
        raise TrackerError(_("Give the date the change takes effect."))
    if isinstance(effective_date, datetime.datetime):
        effective_date = effective_date.date()
    if isinstance(effective_date, datetime.date):
        year, month, day = effective_date.year, effective_date.month, effective_date.day
    else:
        year, month, day = (tuple(effective_date) + (None, None, None))[:3]
    if year is None:
        raise TrackerError(_("Give at least the year the change takes effect."))
    try:
        validate_partial_date(year, month, day)
    except ValueError as error:
        raise TrackerError(str(error)) from error
    earliest = datetime.date(year, month or 1, day or 1)
    if earliest > _one_year_after(timezone.localdate()):
        raise TrackerError(
            _(
                "The effective date %(date)s is more than a year ahead. "
                "Check the date; record the change closer to when it takes effect."
            )
            % {"date": format_partial_date(year, month, day)}
        )
    return year, month, day


def checked_replacement(statement: PolicyStatement, status: str, superseded_by):
    """The English replacement, after checking it fits the status and makes no circle."""
    if status == Status.SUPERSEDED and superseded_by is None:
        raise TrackerError(_("A superseded statement needs the statement that replaced it."))
    if superseded_by is None:
        return None
    if status != Status.SUPERSEDED:
        raise TrackerError(
            _(
                "Only a superseded statement names the statement that replaced it: "
                "choose the status “superseded”, or leave the replacement empty."
            )
        )
    # Read from the database: the caller's objects may hold stale replacements.
    replacement = english_statement(PolicyStatement.objects.get(pk=superseded_by.pk))
    if replacement.pk == statement.pk:
        raise TrackerError(_("A statement cannot be superseded by itself."))
    # Follow the replacement's own replacements: reaching this statement would
    # make a circle (A by B by A, or longer).
    seen, current = set(), replacement
    while current.superseded_by_id is not None and current.superseded_by_id not in seen:
        seen.add(current.superseded_by_id)
        current = english_statement(PolicyStatement.objects.get(pk=current.superseded_by_id))
        if current.pk == statement.pk:
            raise TrackerError(
                _(
                    "“%(other)s” is already superseded, directly or through others, by this "
                    "statement: recording this would make a circle."
                )
                % {"other": replacement.key}
            )
    return replacement


def checked_quote(quote, current: str) -> str:
    """The new exact words (`current` when `quote` is None); TrackerError when empty."""
    if quote is None:
        return current
    quote = str(quote).strip()
    if not quote:
        raise TrackerError(_("The new text is empty: give the source's exact words."))
    return quote

"""What the tracker's management commands share: dates and sources as an operator types them.

``record_policy_change`` and ``verify_policy_statement`` name a source by its
title and date (``--source-title``, ``--source-date YYYY[-MM[-DD]]``); the
English source with that title and date is reused, or made (kind
``--source-kind``, default memo). Bad input raises TrackerError, like the
rules in ``recording``.
"""

from __future__ import annotations

import datetime
import re

from django.utils.translation import gettext as _
from wagtail.models import Locale

from know_your_rights.dates import format_partial_date, validate_partial_date
from know_your_rights.models.policy import PolicySource
from know_your_rights.tracker.checks import TrackerError

PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


def parse_partial_date(text: str) -> tuple[int, int | None, int | None]:
    """(year, month or None, day or None) from "YYYY", "YYYY-MM" or "YYYY-MM-DD"."""
    match = PARTIAL_DATE.match((text or "").strip())
    if match is None:
        raise TrackerError(
            _("“%(text)s” is not a date: write YYYY, YYYY-MM or YYYY-MM-DD.") % {"text": text}
        )
    year, month, day = (int(part) if part else None for part in match.groups())
    try:
        validate_partial_date(year, month, day)
    except ValueError as error:
        raise TrackerError(f"{text}: {error}") from error
    return year, month, day


def parse_date(text: str) -> datetime.date:
    """A full date from "YYYY-MM-DD"."""
    year, month, day = parse_partial_date(text)
    if day is None:
        raise TrackerError(_("“%(text)s”: give the full date, YYYY-MM-DD.") % {"text": text})
    return datetime.date(year, month, day)


def find_or_make_source(
    title: str,
    date: tuple[int, int | None, int | None],
    *,
    kind: str | None = None,
    url: str = "",
    issuer: str = "",
) -> tuple[PolicySource, bool]:
    """The English source titled `title` with this date, made when missing; and whether it was made.

    `kind` (a PolicySource.Kind value, default memo) is used for a new
    source; given for an existing one, it must match. A source with the same
    title and another date is refused: titles are unique per language.
    """
    title = (title or "").strip()
    if not title:
        raise TrackerError(_("Give the source that says so: a memo, law, ruling, order or report."))
    if kind is not None and kind not in PolicySource.Kind.values:
        raise TrackerError(
            _("Unknown kind of source “%(kind)s”: use %(kinds)s.")
            % {"kind": kind, "kinds": ", ".join(PolicySource.Kind.values)}
        )
    english = Locale.get_default()
    existing = PolicySource.objects.filter(locale=english, title=title).first()
    if existing is not None:
        if (existing.date_year, existing.date_month, existing.date_day) != tuple(date):
            raise TrackerError(
                _(
                    "There is already a source titled “%(title)s”, dated %(date)s. "
                    "Give that date to use it, or another title."
                )
                % {"title": title, "date": existing.date_display}
            )
        if kind is not None and existing.kind != kind:
            raise TrackerError(
                _("The source “%(title)s” is a %(kind)s, not a %(given)s.")
                % {
                    "title": title,
                    "kind": existing.get_kind_display().lower(),
                    "given": PolicySource.Kind(kind).label.lower(),
                }
            )
        return existing, False
    source = PolicySource.objects.create(
        locale=english,
        title=title,
        kind=kind or PolicySource.Kind.MEMO,
        issuer=issuer,
        url=url,
        date_year=date[0],
        date_month=date[1],
        date_day=date[2],
    )
    return source, True


def describe_source(source: PolicySource) -> str:
    """“Title” (kind, date), for a command's output."""
    date = format_partial_date(source.date_year, source.date_month, source.date_day)
    return f"“{source.title}” ({source.get_kind_display()}, {date})"

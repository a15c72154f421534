"""Checking each row without the database (address, number, language, areas,
topics, consent date, repeats within the file), and the counts of an import."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone

from advocacy.crypto import email_hash, phone_hash
from advocacy.models import Area, Topic
from advocacy.subscriptions import SubscriptionError, clean_address, clean_phone


@dataclass
class ImportResult:
    """Counts per outcome, and ``errors`` as (line number, reason) pairs."""

    active: int = 0
    pending: int = 0
    already_listed: int = 0
    mails_failed: int = 0
    codes_queued: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return self.active + self.pending + self.already_listed + len(self.errors)


def _slugs(value: str) -> list[str]:
    return [slug.strip() for slug in (value or "").split(";") if slug.strip()]


@dataclass(slots=True)
class CheckedRow:
    """A row that passed every check that needs no database."""

    line: int
    address: str
    hashed: str | None
    phone: str
    phone_hashed: str | None
    language: str
    area_ids: tuple[int, ...]
    topic_ids: tuple[int, ...]
    consent: dt.date | None
    confirmed_at: dt.datetime | None


class RowValidator:
    """The per-row checks, with the lookups they need loaded once."""

    def __init__(self):
        self.areas = {area.slug: area.pk for area in Area.objects.all()}
        self.topics = {topic.slug: topic.pk for topic in Topic.objects.all()}
        self.languages = dict(settings.LANGUAGES)
        self.default_language = settings.LANGUAGE_CODE
        self.today = timezone.localdate()
        self.seen: dict[str, int] = {}
        self.seen_phones: dict[str, int] = {}
        # Noon on the consent date, in the site's time zone; a list has few
        # distinct dates, and making each aware costs more than the rest of a row.
        self.noon_on: dict[dt.date, dt.datetime] = {}

    def check(self, line: int, row: dict) -> CheckedRow:
        """The row as a ``CheckedRow``; raises ``SubscriptionError`` with the reason."""
        if "__error__" in row:
            raise SubscriptionError(row["__error__"])
        if not row["email"] and not row["phone"]:
            raise SubscriptionError("no email address and no phone number")
        address = clean_address(row["email"]) if row["email"] else ""
        try:
            phone = clean_phone(row["phone"]) if row["phone"] else ""
        except SubscriptionError as exc:
            raise SubscriptionError(f"phone {row['phone']!r}: {exc}") from None
        language = row["language"] or self.default_language
        if language not in self.languages:
            raise SubscriptionError(
                f"unknown language {language!r} (use one of {', '.join(self.languages)})"
            )
        areas, topics = _slugs(row["areas"]), _slugs(row["topics"])
        unknown = [slug for slug in areas if slug not in self.areas]
        if unknown:
            raise SubscriptionError(f"unknown area {', '.join(unknown)}")
        unknown = [slug for slug in topics if slug not in self.topics]
        if unknown:
            raise SubscriptionError(f"unknown topic {', '.join(unknown)}")
        consent = confirmed_at = None
        if row["consent_date"]:
            try:
                consent = dt.date.fromisoformat(row["consent_date"])
            except ValueError:
                raise SubscriptionError(
                    f"consent_date {row['consent_date']!r} is not an ISO date (YYYY-MM-DD)"
                ) from None
            if consent > self.today:
                raise SubscriptionError(f"consent_date {consent} is in the future")
            confirmed_at = self.noon_on.get(consent)
            if confirmed_at is None:
                confirmed_at = timezone.make_aware(dt.datetime.combine(consent, dt.time(12)))
                self.noon_on[consent] = confirmed_at
        hashed = email_hash(address) if address else None
        if hashed in self.seen:
            raise SubscriptionError(f"same address as line {self.seen[hashed]}")
        phone_hashed = phone_hash(phone) if phone else None
        if phone_hashed in self.seen_phones:
            raise SubscriptionError(f"same phone number as line {self.seen_phones[phone_hashed]}")
        if hashed:
            self.seen[hashed] = line
        if phone_hashed:
            self.seen_phones[phone_hashed] = line
        return CheckedRow(
            line,
            address,
            hashed,
            phone,
            phone_hashed,
            language,
            # A slug named twice links once.
            tuple(dict.fromkeys(self.areas[slug] for slug in areas)),
            tuple(dict.fromkeys(self.topics[slug] for slug in topics)),
            consent,
            confirmed_at,
        )


def check_batch(batch: list[tuple[int, dict]], validator: RowValidator, result: ImportResult):
    """The rows of ``batch`` that pass every check needing no database; the
    others are added to ``result.errors`` with their line."""
    checked: list[CheckedRow] = []
    for line, row in batch:
        try:
            checked.append(validator.check(line, row))
        except SubscriptionError as exc:
            result.errors.append((line, str(exc)))
    return checked

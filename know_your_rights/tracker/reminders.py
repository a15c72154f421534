"""The weekly policy reminder to Editors and Moderators.

Once a week (beat, ``advocacy.send_policy_reminders``) every active Editor
and Moderator with an email address gets one message, in their admin
language (their Wagtail profile's preferred language), listing:

- the statements due for verification (never verified, or not within
  ``POLICY_REVIEW_DAYS``) and the guides resting on each;
- what is stuck: guides (per language) still marked as needing update, or
  awaiting translation, for a change recorded more than ``STUCK_AFTER`` ago.

Links go to the admin on ``SITE_URL``. Nobody gets anything when there is
nothing due and nothing stuck. A run may happen twice (a task is acked late):
each person is remembered in the cache for the week once their message went
out, so a second run in the same week sends them nothing.

Staff mail goes through Wagtail's ``send_mail``, as its own notifications and
the second-approval notice (``advocacy.approval_status``) do: the
subscribers' builder (``advocacy.mail``) adds list and unsubscribe headers
that belong to subscribers only.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override
from wagtail.admin.mail import send_mail
from wagtail.models import Locale
from wagtail.users.models import UserProfile

from core.absolute_urls import absolute_url
from core.roles import EDITORS, MODERATORS
from know_your_rights.models.policy import PolicyStatement
from know_your_rights.models.tracker import GuideUpdateMark
from know_your_rights.tracker import due, impact

logger = logging.getLogger(__name__)

# A guide still marked this long after the change is "stuck".
STUCK_AFTER = datetime.timedelta(days=7)
# How long a person is remembered as having had this week's reminder.
SENT_MEMORY_SECONDS = 8 * 24 * 60 * 60


@dataclass
class DueStatement:
    """A statement due for verification and the guides (English titles) resting on it."""

    statement: PolicyStatement
    guides: list[str]
    history_url: str
    verify_url: str


@dataclass
class StuckGuide:
    """A guide a change marked more than STUCK_AFTER ago, and the languages still open."""

    title: str
    statement_key: str
    changed_on: datetime.datetime
    needs_update: list[Locale] = field(default_factory=list)
    awaiting_translation: list[Locale] = field(default_factory=list)
    edit_url: str = ""


@dataclass
class PolicyReminder:
    """What one week's reminder lists (the same for every recipient)."""

    due: list[DueStatement]
    stuck: list[StuckGuide]
    changes_url: str
    due_url: str

    @property
    def is_empty(self) -> bool:
        return not self.due and not self.stuck


def _admin_url(name: str, *args) -> str:
    return absolute_url(reverse(name, args=args))


def _due_statements(today: datetime.date) -> list[DueStatement]:
    statements = list(due.statements_due_for_verification(today))
    guides = due.citing_guides(statements)
    found = []
    for statement in statements:
        found.append(
            DueStatement(
                statement=statement,
                guides=[guide.title for guide in guides[statement.pk]],
                history_url=_admin_url("know_your_rights_policy_history", statement.pk),
                verify_url=_admin_url("know_your_rights_policy_record_verification", statement.pk),
            )
        )
    return found


def _stuck_guides(now: datetime.datetime) -> list[StuckGuide]:
    """Guides with a mark open since before ``now - STUCK_AFTER``, one entry per
    (change, guide), with the languages still needing update or translation."""
    events = {
        mark.event_id: mark.event
        for mark in GuideUpdateMark.objects.open()
        .filter(marked_at__lt=now - STUCK_AFTER)
        .select_related("event", "event__statement")
    }
    stuck = []
    touched = impact.change_impact(events.values())
    for event_id, rows in touched.items():
        event = events[event_id]
        for row in rows:
            entry = StuckGuide(
                title=row["guide"].title,
                statement_key=event.statement.key,
                changed_on=event.recorded_at,
                edit_url=_admin_url("wagtailadmin_pages:edit", row["guide"].pk),
            )
            for language in row["languages"]:
                if language["state"] == impact.NEEDS_UPDATE:
                    entry.needs_update.append(language["locale"])
                elif language["state"] == impact.AWAITING_TRANSLATION:
                    entry.awaiting_translation.append(language["locale"])
            if entry.needs_update or entry.awaiting_translation:
                stuck.append(entry)
    stuck.sort(key=lambda entry: (entry.changed_on, entry.title))
    return stuck


def weekly_reminder(now: datetime.datetime | None = None) -> PolicyReminder:
    """This week's reminder: what is due for verification and what is stuck."""
    now = now or timezone.now()
    return PolicyReminder(
        due=_due_statements(timezone.localdate(now)),
        stuck=_stuck_guides(now),
        changes_url=_admin_url("know_your_rights_policy_changes"),
        due_url=_admin_url("know_your_rights_policy_due"),
    )


def recipients():
    """Active Editors and Moderators with an email address."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=(EDITORS, MODERATORS))
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )


def render_reminder(reminder: PolicyReminder, user, language: str) -> tuple[str, str]:
    """(subject, plain-text body) of ``reminder`` for ``user`` in ``language``."""
    context = {"reminder": reminder, "user": user}
    with override(language):
        subject = render_to_string(
            "know_your_rights/admin/email/policy_reminder_subject.txt", context
        )
        body = render_to_string("know_your_rights/admin/email/policy_reminder.txt", context)
    return " ".join(subject.split()), body.strip() + "\n"


def _week_key(user, now: datetime.datetime) -> str:
    year, week, _day = timezone.localdate(now).isocalendar()
    return f"policy-reminder:{year}-{week}:{user.pk}"


def send_policy_reminders(now: datetime.datetime | None = None) -> int:
    """Email this week's reminder to every active Editor and Moderator, each in
    their admin language; nothing when nothing is due or stuck. Returns the
    number of messages sent."""
    now = now or timezone.now()
    reminder = weekly_reminder(now)
    if reminder.is_empty:
        return 0
    sent = 0
    for user in recipients():
        key = _week_key(user, now)
        if not cache.add(key, True, SENT_MEMORY_SECONDS):
            continue  # this week's reminder already went to them
        language = UserProfile.get_for_user(user).get_preferred_language()
        subject, body = render_reminder(reminder, user, language)
        try:
            send_mail(subject, body, [user.email])
        except Exception:  # noqa: BLE001 - one unreachable mailbox must not stop the rest
            cache.delete(key)  # so a later run tries them again
            # No address in the log: the user's id is enough to find it.
            logger.exception("Policy reminder to user %s failed", user.pk)
            continue
        sent += 1
    return sent

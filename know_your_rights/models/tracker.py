"""The policy tracker's records: a statement's public history, and the guides a change marks.

A PolicyStatement (``policy.py``) is the current state; its PolicyEvent rows
are how it got there, oldest first, and are never edited or deleted. A change
of text or status marks every guide that cites the statement, in every
language, with a GuideUpdateMark until the guide is re-reviewed (English,
through Legal review) or re-approved (a translation). The rules that write
these rows live in ``know_your_rights.tracker``; this module holds only the
records.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from know_your_rights.dates import format_partial_date
from know_your_rights.models.policy import PolicySource, PolicyStatement

__all__ = ["GuideUpdateMark", "PolicyEvent"]


class PolicyEventQuerySet(models.QuerySet):
    def changes(self):
        """Events that changed (or corrected) what a statement says or its status."""
        return self.filter(kind__in=PolicyEvent.CHANGING_KINDS)

    def since(self, moment):
        """Events recorded at or after `moment` (a datetime)."""
        return self.filter(recorded_at__gte=moment)


class PolicyEvent(models.Model):
    """One event in a statement's public history: its first version, a change,
    a correction of a wrongly recorded change, or a verification.

    Always recorded on the source-language (English) statement; translations
    share its history through the translation key. `sequence` numbers a
    statement's events 1, 2, 3…, unique per statement, so two people
    recording at the same moment can never both write event N: the second is
    told to reload (``know_your_rights.tracker``).
    """

    class Kind(models.TextChoices):
        FIRST_VERSION = "first_version", _("First version")
        CHANGE = "change", _("Change")
        CORRECTION = "correction", _("Correction")
        VERIFICATION = "verification", _("Verification")

    CHANGING_KINDS = (Kind.CHANGE, Kind.CORRECTION)

    statement = models.ForeignKey(PolicyStatement, on_delete=models.PROTECT, related_name="events")
    sequence = models.PositiveIntegerField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # The statement as this event left it (for a verification: as it was checked).
    status = models.CharField(max_length=20, choices=PolicyStatement.Status.choices)
    quote = models.TextField(blank=True)
    superseded_by = models.ForeignKey(
        PolicyStatement, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The statement before this event (empty for a first version), so each
    # change can be read alone.
    previous_status = models.CharField(
        max_length=20, blank=True, choices=PolicyStatement.Status.choices
    )
    previous_quote = models.TextField(blank=True)
    note = models.TextField(
        blank=True, help_text=_("What changed, in plain language (or what was checked).")
    )
    source = models.ForeignKey(PolicySource, on_delete=models.PROTECT, related_name="events")
    # When the change takes effect, as much as the source says.
    effective_year = models.PositiveSmallIntegerField(null=True, blank=True)
    effective_month = models.PositiveSmallIntegerField(null=True, blank=True)
    effective_day = models.PositiveSmallIntegerField(null=True, blank=True)
    # A verification: the day the statement was checked against current policy.
    checked_on = models.DateField(null=True, blank=True)
    corrects = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = PolicyEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("policy event")
        ordering = ["statement_id", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["statement", "sequence"], name="policy_event_one_per_sequence"
            ),
        ]

    def __str__(self):
        return f"{self.statement_id} #{self.sequence} {self.kind}"

    @property
    def changes_statement(self) -> bool:
        return self.kind in self.CHANGING_KINDS

    @property
    def effective_display(self) -> str:
        return format_partial_date(self.effective_year, self.effective_month, self.effective_day)


class GuideUpdateMarkQuerySet(models.QuerySet):
    def open(self):
        """Marks not yet cleared: the guide still needs updating for that change."""
        return self.filter(cleared_at__isnull=True)

    def for_notices(self):
        """Open marks, newest change first, with what a notice names (the
        event, its statement and source) loaded in the same query."""
        return (
            self.open()
            .select_related("event", "event__statement", "event__source")
            .order_by("-event__recorded_at", "-event_id")
        )


class GuideUpdateMark(models.Model):
    """One guide page, in one language, that cites a statement a change touched.

    Open (`cleared_at` empty) until an editor re-reviews the English guide
    through Legal review after the change, or, for a translation, until a
    person re-approves it after the English guide was updated.
    """

    event = models.ForeignKey(PolicyEvent, on_delete=models.PROTECT, related_name="guide_marks")
    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    locale = models.ForeignKey("wagtailcore.Locale", on_delete=models.PROTECT, related_name="+")
    marked_at = models.DateTimeField(default=timezone.now)
    cleared_at = models.DateTimeField(null=True, blank=True)
    cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = GuideUpdateMarkQuerySet.as_manager()

    class Meta:
        verbose_name = _("guide update mark")
        constraints = [
            models.UniqueConstraint(fields=["event", "page"], name="guide_mark_one_per_page"),
        ]
        indexes = [models.Index(fields=["page", "cleared_at"], name="guide_mark_open_by_page")]

    def __str__(self):
        state = "open" if self.cleared_at is None else "cleared"
        return f"page {self.page_id} for event {self.event_id} ({state})"

"""The policy guides rest on, and the phone lines they give.

PolicySource (a document) → PolicyStatement (one commitment it makes, or one
fact a report states) → cited from GuidePage blocks (``pages.py``). Hotline
is a phone line with who it is for.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.models import TranslatableMixin
from wagtail.search import index
from wagtail_localize.fields import SynchronizedField, TranslatableField

from know_your_rights.dates import format_partial_date, validate_partial_date

__all__ = ["Hotline", "PartialDateMixin", "PolicySource", "PolicyStatement"]


class PartialDateMixin(models.Model):
    """A date that may be known only to the year (`date_year` … `date_day`)."""

    date_year = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text=_("Leave empty if the document gives no year.")
    )
    date_month = models.PositiveSmallIntegerField(null=True, blank=True)
    date_day = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        try:
            validate_partial_date(self.date_year, self.date_month, self.date_day)
        except ValueError as error:
            raise ValidationError({"date_year": str(error)}) from error

    @property
    def date_display(self) -> str:
        return format_partial_date(self.date_year, self.date_month, self.date_day)


class PolicySource(TranslatableMixin, PartialDateMixin, index.Indexed, models.Model):
    """A document a right rests on: a memo, a law, a news report.

    Translatable: readers see its title and the note on where its text comes
    from in their language; the document's own words (full_text), its date and
    its URL are the same in every language.
    """

    class Kind(models.TextChoices):
        MEMO = "memo", _("Memo")
        LAW = "law", _("Law")
        RULING = "ruling", _("Court ruling")
        ORDER = "order", _("Executive order")
        NEWS_REPORT = "news_report", _("News report")

    title = models.CharField(max_length=255)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.MEMO)
    issuer = models.CharField(max_length=255, help_text=_("Who issued or published it."))
    url = models.URLField(blank=True, verbose_name=_("URL"))
    full_text = models.TextField(blank=True)
    text_attribution = models.CharField(
        max_length=500,
        blank=True,
        help_text=_("Where the full text comes from, if not from the issuer itself."),
    )

    translatable_fields = [
        TranslatableField("title"),
        SynchronizedField("kind"),
        TranslatableField("issuer"),
        SynchronizedField("date_year"),
        SynchronizedField("date_month"),
        SynchronizedField("date_day"),
        SynchronizedField("url"),
        # The document's own words stay in its own language, like a statement's quote.
        SynchronizedField("full_text"),
        TranslatableField("text_attribution"),
    ]

    panels = [
        FieldPanel("title"),
        FieldPanel("kind"),
        FieldPanel("issuer"),
        FieldRowPanel(
            [FieldPanel("date_year"), FieldPanel("date_month"), FieldPanel("date_day")],
            heading=_("Date issued (as much as is known)"),
        ),
        FieldPanel("url"),
        FieldPanel("full_text"),
        FieldPanel("text_attribution"),
    ]
    search_fields = [index.SearchField("title"), index.SearchField("issuer")]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("policy source")
        ordering = ["title"]
        unique_together = [("translation_key", "locale"), ("title", "locale")]

    def __str__(self):
        return self.title


# Keys the public tracker's own pages use under /<lang>/policy/ (its feed and its
# changes), so a statement with one of them would be unreachable or shadow them.
RESERVED_STATEMENT_KEYS = frozenset({"feed", "changes"})


class PolicyStatement(TranslatableMixin, index.Indexed, models.Model):
    """One commitment a source makes (or one fact a report states), cited by guides."""

    class Kind(models.TextChoices):
        POLICY = "policy", _("Policy")
        REPORTED = "reported", _("Reported fact (not policy)")

    class Status(models.TextChoices):
        IN_FORCE = "in_force", _("In force")
        CHANGED = "changed", _("Changed")
        RESCINDED = "rescinded", _("Rescinded")
        SUPERSEDED = "superseded", _("Superseded")

    key = models.SlugField(
        max_length=80, help_text=_("A short stable name, the same in every language.")
    )
    source = models.ForeignKey(PolicySource, on_delete=models.PROTECT, related_name="statements")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.POLICY)
    attribution = models.CharField(
        max_length=255,
        help_text=_(
            "How readers see where this comes from, e.g. "
            "“NYPD policy as stated in the Police Commissioner's 2017 memo”."
        ),
    )
    quote = models.TextField(help_text=_("The exact words of the source, in its language."))
    summary = models.TextField(help_text=_("The same in plain language."))
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.IN_FORCE)
    superseded_by = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supersedes",
        help_text=_("If superseded: the statement that replaced this one."),
    )
    status_note = models.TextField(
        blank=True, help_text=_("If changed or rescinded: what changed and when.")
    )
    as_of_year = models.PositiveSmallIntegerField(null=True, blank=True)
    as_of_month = models.PositiveSmallIntegerField(null=True, blank=True)
    as_of_day = models.PositiveSmallIntegerField(null=True, blank=True)
    last_verified = models.DateField(
        null=True,
        blank=True,
        help_text=_("When an editor last checked this against current policy."),
    )
    review_due = models.DateField(null=True, blank=True)
    named_contact = models.CharField(
        max_length=255,
        blank=True,
        help_text=_(
            "A contact the statement itself names, described as the source describes it "
            "(for example a line for officers). Shown only beside this statement."
        ),
    )
    named_contact_phone = models.CharField(max_length=40, blank=True)

    translatable_fields = [
        SynchronizedField("key"),
        SynchronizedField("source"),
        SynchronizedField("kind"),
        TranslatableField("attribution"),
        # The verbatim quote stays in the source's own words. Not overridable:
        # the quote, status and replacement change only through the policy
        # history (wagtail-localize would offer to override a text or a
        # foreign key in the translation editor; a choice field it never does).
        SynchronizedField("quote", overridable=False),
        TranslatableField("summary"),
        SynchronizedField("status", overridable=False),
        SynchronizedField("superseded_by", overridable=False),
        TranslatableField("status_note"),
        SynchronizedField("as_of_year"),
        SynchronizedField("as_of_month"),
        SynchronizedField("as_of_day"),
        SynchronizedField("last_verified"),
        SynchronizedField("review_due"),
        TranslatableField("named_contact"),
        SynchronizedField("named_contact_phone"),
    ]

    panels = [
        FieldPanel("key"),
        FieldPanel("source"),
        FieldPanel("kind"),
        FieldPanel("attribution"),
        FieldPanel("quote"),
        FieldPanel("summary"),
        MultiFieldPanel(
            [FieldPanel("status"), FieldPanel("superseded_by"), FieldPanel("status_note")],
            heading=_("Status"),
        ),
        FieldRowPanel(
            [FieldPanel("as_of_year"), FieldPanel("as_of_month"), FieldPanel("as_of_day")],
            heading=_("As of (as much as is known)"),
        ),
        FieldRowPanel([FieldPanel("last_verified"), FieldPanel("review_due")], heading=_("Checks")),
        MultiFieldPanel(
            [FieldPanel("named_contact"), FieldPanel("named_contact_phone")],
            heading=_("Contact named in the statement"),
        ),
    ]
    search_fields = [index.SearchField("summary"), index.SearchField("quote")]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("policy statement")
        unique_together = [("translation_key", "locale"), ("key", "locale")]
        ordering = ["key"]

    def __str__(self):
        return f"{self.key}: {self.summary[:60]}"

    def clean(self):
        super().clean()
        if self.key in RESERVED_STATEMENT_KEYS:
            message = _(
                "“%(key)s” is the address of the policy tracker's own page "
                "(/policy/%(key)s/): choose another key."
            )
            raise ValidationError({"key": message % {"key": self.key}})
        try:
            validate_partial_date(self.as_of_year, self.as_of_month, self.as_of_day)
        except ValueError as error:
            raise ValidationError({"as_of_year": str(error)}) from error
        if self.status != self.Status.IN_FORCE and not self.status_note:
            raise ValidationError({"status_note": _("Say what changed.")})

    @property
    def as_of_display(self) -> str:
        return format_partial_date(self.as_of_year, self.as_of_month, self.as_of_day)

    def is_out_of_date(self, today: datetime.date | None = None) -> bool:
        """Never verified, verified more than ``POLICY_REVIEW_DAYS`` ago, or its
        review date (if an editor set one) has passed.

        ``know_your_rights.tracker.due`` asks the same question in SQL.
        """
        today = today or timezone.localdate()
        if self.last_verified is None:
            return True
        if self.last_verified < today - datetime.timedelta(days=settings.POLICY_REVIEW_DAYS):
            return True
        return self.review_due is not None and self.review_due < today

    @property
    def out_of_date(self) -> bool:
        return self.is_out_of_date()

    @property
    def is_in_force(self) -> bool:
        return self.status == self.Status.IN_FORCE


class Hotline(TranslatableMixin, models.Model):
    """A phone line readers may call, with whom it is for."""

    name = models.CharField(max_length=255)
    phone = models.CharField(max_length=40)
    hours = models.CharField(max_length=255, blank=True)
    languages_served = models.CharField(max_length=255, blank=True)
    audience = models.CharField(max_length=255, blank=True, verbose_name=_("who it is for"))

    translatable_fields = [
        TranslatableField("name"),
        SynchronizedField("phone"),
        TranslatableField("hours"),
        TranslatableField("languages_served"),
        TranslatableField("audience"),
    ]

    panels = [
        FieldPanel("name"),
        FieldPanel("phone"),
        FieldPanel("hours"),
        FieldPanel("languages_served"),
        FieldPanel("audience"),
    ]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("hotline")
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.phone})"

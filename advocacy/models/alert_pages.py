"""Alert pages: the index of alerts in a language and the alert itself.

An alert goes live only with the approvals its urgency needs: ``AlertPage``
enforces that at ``save`` and ``publish`` (the rule is ``advocacy.approval``;
its workflow task and the approvals on record are in ``approvals.py``). Who
it was sent to, and how, is the send ledger in ``ledger.py``.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from modelcluster.models import get_all_child_m2m_relations, get_all_child_relations
from wagtail.admin.panels import (
    FieldPanel,
    MultiFieldPanel,
    PageChooserPanel,
    PublishingPanel,
)
from wagtail.admin.widgets import AdminDateTimeInput
from wagtail.fields import RichTextField
from wagtail.models import Locale, Page
from wagtail.search import index
from wagtail_localize.fields import SynchronizedField, TranslatableField

from advocacy import approval
from advocacy.sms.widgets import SmsTextarea
from core.rich_text import RICH_TEXT_FEATURES

from .alert_form import AlertPageForm
from .alert_queryset import AlertPageManager
from .approvals import AlertApprovalTaskState

__all__ = ["AlertIndexPage", "AlertPage"]


class AlertIndexPage(Page):
    """`/<lang>/alerts/`: the live, unexpired alerts in this language."""

    intro = models.TextField(blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["advocacy.AlertPage"]
    max_count_per_parent = 1

    translatable_fields = [
        TranslatableField("title"),
        SynchronizedField("slug"),
        TranslatableField("seo_title"),
        TranslatableField("search_description"),
        TranslatableField("intro"),
    ]

    class Meta:
        verbose_name = _("alert index")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        now = timezone.now()
        alerts = (
            AlertPage.objects.child_of(self).approved().public().order_by("-first_published_at")
        )
        context["alerts"] = alerts.unexpired(now)
        context["expired_alerts"] = alerts.expired(now)[:20]
        return context


class AlertPage(Page):
    """One alert: what happened, where, what to do; translated per language.

    Audience and urgency are synchronised across translations: who is
    concerned is decided by the source page, each reader gets the text in
    their own language (see ``advocacy.audience`` and ``advocacy.dispatching``).
    """

    class Urgency(models.TextChoices):
        URGENT = "urgent", _("urgent")
        STANDARD = "standard", _("standard")

    class FollowUp(models.TextChoices):
        NONE = "", _("not a follow-up")
        CORRECTION = "correction", _("corrects an earlier alert")
        ALL_CLEAR = "all_clear", _("all clear for an earlier alert")

    urgency = models.CharField(
        _("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.STANDARD
    )
    areas = ParentalManyToManyField(
        "advocacy.Area",
        blank=True,
        related_name="alerts",
        verbose_name=_("areas"),
        help_text=_(
            "Tick the areas it concerns. An alert for a borough reaches its neighbourhoods."
        ),
    )
    every_area = models.BooleanField(
        _("every area"),
        default=False,
        help_text=_(
            "Tick to send this alert to subscribers in every area. "
            "Needed when no area is ticked above."
        ),
    )
    topics = ParentalManyToManyField(
        "advocacy.Topic",
        blank=True,
        related_name="alerts",
        verbose_name=_("topics"),
        help_text=_("Leave empty for every topic."),
    )
    summary = models.TextField(
        _("summary"),
        max_length=600,
        help_text=_("One to three short sentences: what, where, when."),
    )
    body = RichTextField(_("body"), features=RICH_TEXT_FEATURES, blank=True)
    # What subscribers who chose text messages get; empty: made from the
    # title, the summary and a short link (advocacy.sms).
    sms_text = models.TextField(
        _("text message"),
        blank=True,
        max_length=1600,
        help_text=_(
            "What subscribers who chose text messages receive. Leave empty to send the "
            "title, the summary and a link."
        ),
    )
    guide = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("guide"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("A know-your-rights guide that tells readers what to do."),
    )
    expires_at = models.DateTimeField(
        _("expires at"),
        null=True,
        blank=True,
        help_text=_("After this the alert is listed as past and is left out of digests."),
    )
    follow_up_kind = models.CharField(
        _("follow-up"), max_length=10, choices=FollowUp.choices, blank=True, default=""
    )
    follow_up_of = models.ForeignKey(
        "advocacy.AlertPage",
        verbose_name=_("earlier alert"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="follow_ups",
        help_text=_("A follow-up goes to exactly the people the earlier alert reached."),
    )
    # The revision that carried its approvals when it was made live (set by
    # ``save`` only); readers require it to be the live revision.
    approved_revision = models.ForeignKey(
        "wagtailcore.Revision",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = AlertPageManager()
    exclude_fields_in_copy = ["approved_revision"]

    content_panels = Page.content_panels + [
        FieldPanel("urgency"),
        FieldPanel("summary"),
        FieldPanel("sms_text", widget=SmsTextarea),
        FieldPanel("body"),
        MultiFieldPanel(
            [
                FieldPanel("areas", widget=forms.CheckboxSelectMultiple),
                FieldPanel("every_area"),
                FieldPanel("topics", widget=forms.CheckboxSelectMultiple),
            ],
            heading=_("Who it concerns"),
        ),
        PageChooserPanel("guide", page_type="know_your_rights.GuidePage"),
        FieldPanel("expires_at"),
        MultiFieldPanel(
            [FieldPanel("follow_up_kind"), PageChooserPanel("follow_up_of", "advocacy.AlertPage")],
            heading=_("Follow-up"),
        ),
    ]
    # One expiry: the alert's own "expires at" above. Wagtail's scheduled
    # expiry (which would unpublish the page) is left out, go-live stays.
    settings_panels = [
        PublishingPanel(
            children=[
                FieldPanel(
                    "go_live_at",
                    widget=AdminDateTimeInput(
                        js_overlay_parent_selector="#schedule-publishing-dialog",
                        attrs={
                            "data-controller": "w-action",
                            "data-action": "w-dialog:hidden->w-action#reset",
                            "data-w-dialog-target": "notify",
                        },
                    ),
                )
            ]
        ),
        *Page.settings_panels[1:],
    ]
    base_form_class = AlertPageForm
    parent_page_types = ["advocacy.AlertIndexPage"]
    subpage_types: list[str] = []
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
    ]

    translatable_fields = [
        TranslatableField("title"),
        SynchronizedField("slug"),
        TranslatableField("seo_title"),
        TranslatableField("search_description"),
        TranslatableField("summary"),
        TranslatableField("body"),
        TranslatableField("sms_text"),
        SynchronizedField("urgency"),
        SynchronizedField("every_area"),
        SynchronizedField("expires_at"),
        SynchronizedField("follow_up_kind"),
    ]

    class Meta:
        verbose_name = _("alert")

    def clean(self):
        super().clean()
        if bool(self.follow_up_kind) != bool(self.follow_up_of_id):
            raise ValidationError(
                _("A follow-up needs both its kind and the earlier alert it follows.")
            )
        if self.follow_up_of_id and self.follow_up_of_id == self.pk:
            raise ValidationError(_("An alert cannot follow up on itself."))

    @property
    def is_urgent(self) -> bool:
        return self.urgency == self.Urgency.URGENT

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    def source_alert(self) -> AlertPage:
        """The page in the default language that audiences and dispatches hang on."""
        if self.locale_id == Locale.get_default().pk:
            return self
        return self.get_translation_or_none(Locale.get_default()) or self

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        guide = self.guide
        if guide is not None:
            guide = guide.specific.localized
            context["guide_page"] = guide if guide.live else None
        follow_up_of = self.follow_up_of
        if follow_up_of is not None:
            context["follow_up_of_page"] = follow_up_of.approved_version_in(self.locale)
        return context

    def approved_version_in(self, locale) -> AlertPage | None:
        """What readers in ``locale`` may be shown of this alert (a follow-up
        quotes its title): its translation there once approved, else this
        page once approved, else None. Never an unapproved text."""
        translated = self.get_translation_or_none(locale)
        for candidate in (translated, self):
            if candidate is not None and candidate.is_approved_live:
                return candidate
        return None

    # --- The approval rule's choke point (see advocacy.approval) -------------

    # What readers see of an alert: a save that is not a publish never writes
    # these to a live row (see ``_keep_live_content``).
    reader_content_fields = (
        "title",
        "slug",
        "seo_title",
        "search_description",
        "summary",
        "body",
        "sms_text",
        "urgency",
        "every_area",
        "expires_at",
        "follow_up_kind",
        "follow_up_of",
        "guide",
        "areas",
        "topics",
    )

    def save(self, *args, **kwargs):
        """Save, refusing to make the alert live without its approvals.

        - A new row is always a draft (it has no approved revision yet): an
          add form's Publish, a copy kept live or a new alias start unpublished.
        - An alias of an alert is never live: it would show another page's
          approvals; translate it instead.
        - A save that makes the row live or changes its live revision (every
          publish) raises ``AlertNotApproved`` unless that revision carries its
          approvals, and records it as the approved revision.
        - Any other save of a live row keeps the published content on the row:
          new content lives in a draft revision until approved (as Wagtail's
          own editor does; wagtail-localize writes translated content straight
          to the row otherwise).
        """
        update_fields = kwargs.get("update_fields")
        if self._state.adding or self.pk is None or self.alias_of_id:
            if self.live:
                self.live = False
                self.has_unpublished_changes = True
                self.live_revision = None
                self.first_published_at = None
                self.last_published_at = None
            self.approved_revision = None
        elif self.live and (
            update_fields is None or {"live", "live_revision"} & set(update_fields)
        ):
            stored = (
                type(self)
                .objects.filter(pk=self.pk)
                .values("live", "live_revision_id", "approved_revision_id")
                .first()
            )
            publishing = not stored or not (
                stored["live"] and stored["live_revision_id"] == self.live_revision_id
            )
            if publishing:
                reason = approval.go_live_refusal(self)
                if reason:
                    raise approval.AlertNotApproved(reason)
                self.approved_revision_id = self.live_revision_id
                if update_fields is not None:
                    kwargs["update_fields"] = [*update_fields, "approved_revision"]
            else:
                # Not a publish: keep what readers see, and the approval on record.
                self.approved_revision_id = stored["approved_revision_id"]
                kwargs["update_fields"] = self._keep_live_content(update_fields)
        elif self.live and update_fields is not None:
            kwargs["update_fields"] = self._keep_live_content(update_fields)
        return super().save(*args, **kwargs)

    def _keep_live_content(self, update_fields):
        """``update_fields`` for a save of a live row that is not a publish:
        everything asked for except the content readers see."""
        if update_fields is None:
            names = [field.name for field in self._meta.concrete_fields if not field.primary_key]
            names += [field.name for field in get_all_child_m2m_relations(self)]
            names += [rel.get_accessor_name() for rel in get_all_child_relations(self)]
        else:
            names = list(update_fields)
        return [name for name in names if name not in self.reader_content_fields]

    def save_revision(self, *args, **kwargs):
        """A new revision needs approvals of its own: forget a first approval
        of an earlier version that the current approval task remembers."""
        revision = super().save_revision(*args, **kwargs)
        state = self.current_workflow_task_state
        if state is not None:
            AlertApprovalTaskState.objects.filter(pk=state.pk).exclude(first_approver=None).update(
                first_approver=None
            )
        return revision

    def publish(self, revision, *args, **kwargs):
        """Publish ``revision``, refusing it before anything is written when it
        lacks its approvals: a publish scheduled for later (``go_live_at``)
        would otherwise be accepted now and refused by ``save`` only when due,
        stopping Wagtail's ``publish_scheduled`` run for every page after it."""
        reason = approval.shortfall(self, revision)
        if reason:
            raise approval.AlertNotApproved(reason)
        return super().publish(revision, *args, **kwargs)

    @property
    def is_approved_live(self) -> bool:
        """Whether readers may see this alert (live, live revision approved)."""
        return bool(
            self.live
            and self.live_revision_id is not None
            and self.approved_revision_id == self.live_revision_id
        )

    def serve(self, request, *args, **kwargs):
        # Wagtail serves any live page: an alert made live behind the rule's
        # back is not found, like any unpublished page.
        if not self.is_approved_live:
            raise Http404
        return super().serve(request, *args, **kwargs)

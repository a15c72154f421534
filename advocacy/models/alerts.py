"""Alert pages, their approval task, dispatches and per-recipient deliveries.

The database is the ledger of every send: a ``Dispatch`` (one per send of an
alert, or one per weekly digest) owns one ``Delivery`` row per recipient;
Celery only carries the work of turning queued rows into sent ones (see
``advocacy/dispatch.py``).
"""

from __future__ import annotations

import uuid

from django import forms
from django.conf import settings
from django.db import models, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from modelcluster.models import get_all_child_m2m_relations, get_all_child_relations
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import (
    FieldPanel,
    MultiFieldPanel,
    PageChooserPanel,
    PublishingPanel,
)
from wagtail.admin.widgets import AdminDateTimeInput
from wagtail.fields import RichTextField
from wagtail.models import AbstractGroupApprovalTask, Page, PageManager, TaskState
from wagtail.query import PageQuerySet
from wagtail.search import index
from wagtail_localize.fields import SynchronizedField, TranslatableField

from advocacy import approval

__all__ = [
    "AlertApprovalTask",
    "AlertApprovalTaskState",
    "AlertIndexPage",
    "AlertPage",
    "Delivery",
    "Dispatch",
]

# Rich text an editor may use in an alert: short, plain, no embeds or images.
ALERT_BODY_FEATURES = ["bold", "italic", "link", "ol", "ul"]


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
        context["alerts"] = alerts.filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now)
        )
        context["expired_alerts"] = alerts.filter(expires_at__lte=now)[:20]
        return context


class AlertPageForm(WagtailAdminPageForm):
    """The alert's admin form: who it concerns is always an explicit choice."""

    def clean(self):
        cleaned_data = super().clean()
        if "areas" in self.fields and "every_area" in self.fields:
            areas = cleaned_data.get("areas")
            every_area = cleaned_data.get("every_area")
            if not areas and not every_area:
                self.add_error(
                    "areas",
                    _(
                        "Choose who this alert concerns: tick one or more areas, "
                        "or tick “Every area” to send it to everyone."
                    ),
                )
            elif areas and every_area:
                self.add_error(
                    "every_area",
                    _("Tick either some areas or “Every area”, not both."),
                )
        return cleaned_data


class AlertPageQuerySet(PageQuerySet):
    def approved(self):
        """Live alerts whose live revision is the approved one (``advocacy.approval``).

        Every reader lists alerts through this: a page made live without the
        approvals its urgency needs (a queryset ``update`` in a shell) is not
        in it, in any language.
        """
        return self.live().filter(
            live_revision__isnull=False, approved_revision=models.F("live_revision")
        )


AlertPageManager = PageManager.from_queryset(AlertPageQuerySet)


class AlertPage(Page):
    """One alert: what happened, where, what to do; translated per language.

    Audience and urgency are synchronised across translations: who is
    concerned is decided by the source page, each reader gets the text in
    their own language (see ``advocacy.audience`` and ``advocacy.dispatch``).
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
    body = RichTextField(_("body"), features=ALERT_BODY_FEATURES, blank=True)
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
        SynchronizedField("urgency"),
        SynchronizedField("every_area"),
        SynchronizedField("expires_at"),
        SynchronizedField("follow_up_kind"),
    ]

    class Meta:
        verbose_name = _("alert")

    def clean(self):
        from django.core.exceptions import ValidationError

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
        from wagtail.models import Locale

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


# --- Approval ---------------------------------------------------------------


class AlertApprovalTaskState(TaskState):
    """A task state that remembers the first of two approvals of an urgent alert."""

    first_approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("alert approval task state")

    def get_status_display(self):
        """The status the workflow history and status panels show: while an
        urgent alert has one of its two approvals, "1 of 2 approvals — waiting
        for a second Moderator" rather than "In progress"."""
        if self.status == self.STATUS_IN_PROGRESS:
            alert = self.workflow_state.content_object
            alert = getattr(alert, "specific", alert)
            if isinstance(alert, AlertPage):
                given, needed = approval.progress(alert)
                if 0 < given < needed:
                    return _("1 of 2 approvals — waiting for a second Moderator")
        return super().get_status_display()


class AlertApprovalTask(AbstractGroupApprovalTask):
    """Moderator approval for alerts: one Moderator who is not its author for
    a standard alert; two different people, neither of them its author, for
    an urgent one (``advocacy.approval`` states the rule).

    Wagtail's ``GroupApprovalTask`` lets the submitter (and any superuser)
    approve their own page; this task refuses the author, the submitter and
    whoever already approved the same version, superusers included. Each
    approval is recorded for the version that would be published (the
    latest revision), so an edit between two approvals needs two fresh ones.
    The first of two approvals leaves the task in progress.
    """

    task_state_class = AlertApprovalTaskState

    class Meta:
        verbose_name = _("alert approval task")
        verbose_name_plural = _("alert approval tasks")

    @classmethod
    def get_description(cls):
        return _(
            "Members of the chosen groups approve alerts: one who did not write it for a "
            "standard alert, two different people who did not write it for an urgent one"
        )

    @staticmethod
    def _page_and_revision(task_state):
        page = task_state.workflow_state.content_object.specific
        return page, page.get_latest_revision()

    def may_approve(self, user) -> bool:
        """Whether ``user`` belongs to the approving groups (or is a superuser)."""
        return bool(user.is_superuser or self._user_in_groups(user))

    def is_urgent_review(self, task_state) -> bool:
        """Whether the version under review needs two approvals."""
        page, revision = self._page_and_revision(task_state)
        return approval.approvals_needed(page, revision) == approval.URGENT_APPROVALS

    def refusal(self, task_state, user) -> str | None:
        """Why ``user`` may not approve ``task_state`` now, or None if they may."""
        page, revision = self._page_and_revision(task_state)
        return approval.approval_refusal(
            page,
            revision,
            user,
            may_approve=self.may_approve(user),
            submitter_id=task_state.workflow_state.requested_by_id,
        )

    def _current_state(self, obj):
        state = obj.current_workflow_task_state
        return state.specific if state is not None else None

    def get_actions(self, obj, user):
        actions = super().get_actions(obj, user)
        state = self._current_state(obj)
        if state is None or self.refusal(state, user) is None:
            return actions
        return [action for action in actions if action[0] != "approve"]

    @transaction.atomic
    def on_action(self, task_state, user, action_name, **kwargs):
        """Approve (first or second of two for urgent alerts) or reject.

        Raises ``PermissionDenied`` when the user may not approve. The
        approval is recorded for the latest revision; once that revision has
        all the approvals it needs the task is approved and Wagtail publishes
        it, otherwise the task stays in progress with ``first_approver`` set.
        """
        task_state = type(task_state).objects.select_for_update().get(pk=task_state.pk).specific
        if action_name == "approve":
            page, revision = self._page_and_revision(task_state)
            complete = approval.record_approval(
                page,
                revision,
                user,
                may_approve=self.may_approve(user),
                submitter_id=task_state.workflow_state.requested_by_id,
            )
            if not complete:
                task_state.first_approver = user
                task_state.comment = kwargs.get("comment", "")
                task_state.save(update_fields=["first_approver", "comment"])
                return
        return super().on_action(task_state, user, action_name, **kwargs)


# --- Dispatch and deliveries --------------------------------------------------


class Dispatch(models.Model):
    """One send: of an alert (``send_number`` 1, then 2, 3… for updates) or of
    a weekly digest. Holds the counts, which outlive the delivery rows."""

    class Kind(models.TextChoices):
        ALERT = "alert", _("alert")
        DIGEST = "digest", _("digest")

    class Status(models.TextChoices):
        PREPARING = "preparing", _("preparing")
        RUNNING = "running", _("sending")
        PAUSED = "paused", _("paused")
        CANCELLED = "cancelled", _("cancelled")
        FINISHED = "finished", _("finished")

    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.ALERT)
    alert = models.ForeignKey(
        AlertPage,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="dispatches",
    )
    alert_title = models.CharField(max_length=255, blank=True)
    send_number = models.PositiveIntegerField(default=1)
    urgent = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PREPARING)
    prepared = models.BooleanField(default=False, help_text="All delivery rows have been written.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Digests: the window of content they cover.
    period_start = models.DateTimeField(null=True, blank=True)
    period_end = models.DateTimeField(null=True, blank=True)
    # Counts, kept when the per-recipient rows are purged.
    total = models.PositiveIntegerField(default=0)
    sent_count = models.PositiveIntegerField(default=0)
    failed_count = models.PositiveIntegerField(default=0)
    skipped_count = models.PositiveIntegerField(default=0)
    deliveries_purged_at = models.DateTimeField(null=True, blank=True)
    # A follow-up of this alert after its rows were purged can no longer
    # reach "exactly the same people": the audience rule is used instead.
    audience_note = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("dispatch")
        verbose_name_plural = _("dispatches")
        constraints = [
            models.UniqueConstraint(
                fields=["alert", "send_number"],
                condition=models.Q(alert__isnull=False),
                name="dispatch_one_per_alert_send",
            )
        ]
        indexes = [models.Index(fields=["status"], name="dispatch_status")]

    def __str__(self) -> str:
        if self.kind == self.Kind.DIGEST:
            return f"Digest {self.pk}"
        return f"{self.alert_title} (send {self.send_number})"

    @property
    def pending_count(self) -> int:
        return max(self.total - self.sent_count - self.failed_count - self.skipped_count, 0)

    @property
    def queue(self) -> str:
        return "urgent" if self.urgent else "default"

    @property
    def is_active(self) -> bool:
        return self.status in (self.Status.PREPARING, self.Status.RUNNING)


class Delivery(models.Model):
    """One recipient of one dispatch. Purged after DELIVERY_RETENTION_DAYS."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")
        SKIPPED = "skipped", _("skipped")

    dispatch = models.ForeignKey(Dispatch, on_delete=models.CASCADE, related_name="deliveries")
    # SET_NULL: someone who leaves is deleted; their queued row is then skipped.
    subscriber = models.ForeignKey(
        "advocacy.Subscriber", null=True, on_delete=models.SET_NULL, related_name="deliveries"
    )
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    claim_token = models.UUIDField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    language = models.CharField(max_length=10, blank=True)
    last_error = models.CharField(max_length=255, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["dispatch", "subscriber"], name="delivery_one_per_subscriber"
            )
        ]
        indexes = [
            models.Index(fields=["dispatch", "status", "id"], name="delivery_claim"),
        ]

    def __str__(self) -> str:
        return f"Delivery {self.pk} ({self.status})"

    @staticmethod
    def new_claim_token() -> uuid.UUID:
        return uuid.uuid4()

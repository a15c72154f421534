"""Admin view: "Draft an alert" from a recorded policy change (Editors and Moderators).

``POST /admin/alerts/from-policy-change/<event id>/`` (URL name
``advocacy_alert_from_policy_change``) drafts the alert
(``advocacy.policy_alerts``) and opens it in the page editor, where it is
reviewed, submitted for approval and later sent like any other alert. A GET
does nothing. The policy tracker's "Policy changes" view links here with a
form; ``next`` (an admin address) is where a refusal sends the person back.

``DraftAlertButton`` is that form, offered on each change and correction
through know_your_rights' ``register_policy_change_actions`` hook (registered
in ``advocacy.wagtail_hooks``; ``policy_change_actions`` below).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail.admin.ui.components import Component

from advocacy.alerts_overview import works_on_alerts
from advocacy.policy_alerts import AlertDraftRefused, alert_drafted_from, draft_alert_from_change
from know_your_rights.models import PolicyEvent


def _back(request):
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("wagtailadmin_home")


@require_POST
def alert_from_policy_change_view(request, event_id: int):
    """Draft an alert from change ``event_id`` and open it in the editor."""
    if not works_on_alerts(request.user):
        raise PermissionDenied(_("Only Editors and Moderators can draft alerts."))
    event = get_object_or_404(
        PolicyEvent.objects.select_related("statement__source", "source", "superseded_by"),
        pk=event_id,
    )
    already = alert_drafted_from(event)
    try:
        alert = draft_alert_from_change(event, request.user)
    except AlertDraftRefused as refusal:
        messages.error(request, refusal.message)
        return _back(request)
    if already is not None:
        messages.info(request, _("An alert was already drafted from this change: here it is."))
    else:
        messages.success(
            request,
            _(
                "Alert drafted from the change. Check it, then submit it for approval: "
                "nothing is published or sent until it is approved and someone sends it."
            ),
        )
    return redirect(reverse("wagtailadmin_pages:edit", args=[alert.pk]))


class DraftAlertButton(Component):
    """ "Draft an alert": a POST form (with the page's CSRF token) to the view above."""

    template_name = "advocacy/admin/draft_alert_from_change_button.html"

    def __init__(self, event: PolicyEvent, next_url: str = ""):
        self.event = event
        self.next_url = next_url

    def get_context_data(self, parent_context=None):
        return {
            "action": reverse("advocacy_alert_from_policy_change", args=[self.event.pk]),
            "next_url": self.next_url,
            "csrf_token": (parent_context or {}).get("csrf_token"),
        }


def policy_change_actions(event: PolicyEvent, user, next_url: str = "") -> list[Component]:
    """ "Draft an alert" on a change or correction, for Editors and Moderators."""
    if not event.changes_statement:
        return []
    # Asked once per request's user: "Policy changes" lists many changes.
    may_draft = getattr(user, "_faro_works_on_alerts", None)
    if may_draft is None:
        may_draft = user._faro_works_on_alerts = works_on_alerts(user)
    return [DraftAlertButton(event, next_url)] if may_draft else []


def admin_urls():
    """The view's admin URL (registered by ``advocacy.wagtail_hooks``)."""
    return [
        path(
            "alerts/from-policy-change/<int:event_id>/",
            alert_from_policy_change_view,
            name="advocacy_alert_from_policy_change",
        )
    ]

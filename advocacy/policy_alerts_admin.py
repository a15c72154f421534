"""Admin view: "Draft an alert" from a recorded policy change (Editors and Moderators).

``POST /admin/alerts/from-policy-change/<event id>/`` (URL name
``advocacy_alert_from_policy_change``) drafts the alert
(``advocacy.policy_alerts``) and opens it in the page editor, where it is
reviewed, submitted for approval and later sent like any other alert. A GET
does nothing. The policy tracker's "Policy changes" view links here with a
form; ``next`` (an admin address) is where a refusal sends the person back.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

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


def admin_urls():
    """The view's admin URL (registered by ``advocacy.wagtail_hooks``)."""
    return [
        path(
            "alerts/from-policy-change/<int:event_id>/",
            alert_from_policy_change_view,
            name="advocacy_alert_from_policy_change",
        )
    ]

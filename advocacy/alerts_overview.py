"""Admin view: the Alerts list, where Editors and Moderators find alerts.

``/admin/alerts/`` lists the alerts written in the source language, newest
first, with where each stands (draft, "1 of 2 approvals — waiting for a
second Moderator", live, expired), the languages it is live in, and links to
edit it, add one, and (Moderators) send it or follow dispatches. The view is
thin: where an alert stands comes from ``advocacy.approval_status``.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from wagtail.models import Locale

from advocacy import approval_status
from advocacy.models import AlertIndexPage, AlertPage
from core.roles import EDITORS, MODERATORS, is_moderator


def works_on_alerts(user) -> bool:
    """Editors, Moderators and superusers write, approve and send alerts."""
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_superuser or user.groups.filter(name__in=(EDITORS, MODERATORS)).exists())
    )


def status_of(alert: AlertPage) -> str:
    """Where ``alert`` stands, in the words the admin uses."""
    progress = approval_status.alert_progress(alert)
    if progress is not None:
        return progress.label
    if alert.live:
        return _("Live, expired") if alert.is_expired else _("Live")
    return _("Draft")


def alert_list_view(request):
    """The source-language alerts, newest first (50 a page)."""
    if not works_on_alerts(request.user):
        raise PermissionDenied
    source = Locale.get_default()
    index = AlertIndexPage.objects.filter(locale=source).first()
    alerts = (
        AlertPage.objects.filter(locale=source)
        .select_related("locale")
        .order_by("-latest_revision_created_at", "-pk")
    )
    page = Paginator(alerts, 50).get_page(request.GET.get("p"))
    keys = [alert.translation_key for alert in page.object_list]
    live_languages: dict = {}
    for key, code in (
        AlertPage.objects.filter(translation_key__in=keys, live=True)
        .exclude(locale=source)
        .values_list("translation_key", "locale__language_code")
        .order_by("locale__language_code")
    ):
        live_languages.setdefault(key, []).append(code)
    moderator = is_moderator(request.user)
    return TemplateResponse(
        request,
        "advocacy/admin/alert_list.html",
        {
            "index": index,
            "can_add": bool(
                index is not None and index.permissions_for_user(request.user).can_add_subpage()
            ),
            "page": page,
            "rows": [
                (alert, status_of(alert), live_languages.get(alert.translation_key, []))
                for alert in page.object_list
            ],
            "is_moderator": moderator,
            "headings": [
                _("Alert"),
                _("Urgency"),
                _("Status"),
                _("Live translations"),
                _("Last change"),
                *([""] if moderator else []),  # the "Send…" links
            ],
        },
    )

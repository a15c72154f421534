"""Wagtail admin views for sending alerts and following dispatches (Moderators only).

- ``/admin/alerts/<page id>/send/``: the audience by language, the languages
  with no live translation (their readers get the source language), "Send
  me a test" in any language, "Send" (exactly one dispatch) and, only when
  explicitly confirmed, "Send update".
- ``/admin/dispatches/``: every dispatch with total, sent, failed, pending and
  a progress bar that ``advocacy/dispatch-progress.js`` refreshes from
  ``/admin/dispatches/progress.json``; ``/admin/dispatches/<id>/`` shows
  each failure's reason and the pause / resume / cancel controls.

The views stay thin: the work is in ``advocacy.dispatching`` and ``advocacy.audience``.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from advocacy import approval_admin  # noqa: F401 - registers the approval rule's admin hooks
from advocacy.audience import (
    alert_audience,
    languages_without_translation,
    live_translations,
    sending_refusal,
    unapproved_translations,
)
from advocacy.dispatching import ledger, moderator_copy
from advocacy.dispatching.channels import channel_counts
from advocacy.models import AlertPage, Delivery, Dispatch
from advocacy.sms.measure_views import sms_measure_json
from core.roles import is_moderator

# The detail page lists this many failures at most (a dispatch to a stale
# list can fail thousands of times; the counts say how many there are).
FAILURES_SHOWN = 500


def _require_moderator(request) -> None:
    if not is_moderator(request.user):
        raise PermissionDenied(_("Only Moderators can send alerts."))


def progress(dispatch: Dispatch) -> dict:
    """The numbers the admin shows for a dispatch (from its stored counts)."""
    done = dispatch.sent_count + dispatch.failed_count + dispatch.skipped_count
    return {
        "id": dispatch.pk,
        "status": dispatch.status,
        "status_label": str(dispatch.get_status_display()),
        "total": dispatch.total,
        "sent": dispatch.sent_count,
        "failed": dispatch.failed_count,
        "skipped": dispatch.skipped_count,
        "pending": dispatch.pending_count,
        "done": done,
        "percent": round(100 * done / dispatch.total) if dispatch.total else 0,
        # Per channel, flat ("email_sent", "sms_pending", …) so the page's
        # script fills every [data-field] the same way.
        **{
            f"{channel}_{name}": number
            for channel, counts in channel_counts(dispatch).items()
            for name, number in counts.items()
        },
    }


def failures(dispatch: Dispatch) -> list[dict]:
    """The dispatch's failed deliveries (the first FAILURES_SHOWN) and why each failed."""
    rows = (
        Delivery.objects.filter(dispatch=dispatch, status=Delivery.Status.FAILED)
        .order_by("pk")
        .values("pk", "attempts", "last_error", "language")[:FAILURES_SHOWN]
    )
    return [
        {
            "delivery": row["pk"],
            "language": row["language"],
            "attempts": row["attempts"],
            "reason": row["last_error"],
        }
        for row in rows
    ]


def alert_send_view(request, page_id: int):
    """GET: what a send would do. POST: test / send / send update."""
    _require_moderator(request)
    alert = get_object_or_404(AlertPage, pk=page_id)
    source = alert.source_alert()
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "test":
            language = request.POST.get("language") or settings.LANGUAGE_CODE
            if language not in dict(settings.LANGUAGES):
                messages.error(request, _("Choose a language for the test."))
            elif not request.user.email:
                messages.error(request, _("Your account has no email address for the test."))
            else:
                error = moderator_copy.send_test(source, language, request.user.email)
                if error:
                    messages.error(request, _("The test could not be sent: %s") % error)
                else:
                    messages.success(request, _("Test sent to your address."))
        elif action in ("send", "update"):
            update = action == "update"
            if update and request.POST.get("confirm_update") != "yes":
                messages.error(request, _("Tick the box to confirm that you want to send again."))
            else:
                try:
                    sent = ledger.create_dispatch(source, request.user, update=update)
                    messages.success(request, _("Sending started (send %s).") % sent.send_number)
                    return redirect("advocacy_dispatch", sent.pk)
                except ledger.AlreadySent:
                    messages.warning(request, _("This alert was already sent; nothing changed."))
                except ledger.NotSendable as exc:
                    messages.error(request, str(exc))
        return redirect("advocacy_alert_send", source.pk)

    refusal = sending_refusal(source)
    if refusal:
        messages.error(request, _("This alert cannot be sent: %s") % refusal)
    audience = alert_audience(source)
    by_language = audience.by_language()
    names = dict(settings.LANGUAGES)
    source_name = names.get(source.locale.language_code)
    for code, reason in sorted(unapproved_translations(source).items()):
        messages.warning(
            request,
            _(
                "%(language)s: the translation is not approved, so its readers get "
                "%(source)s. %(reason)s"
            )
            % {"language": names.get(code, code), "reason": reason, "source": source_name},
        )
    missing = languages_without_translation(source, [code for code, _n in by_language])
    translations = live_translations(source)
    return TemplateResponse(
        request,
        "advocacy/admin/alert_send.html",
        {
            "alert": source,
            "audience_rule": audience.rule,
            "audience_total": sum(n for _c, n in by_language),
            "by_language": [
                (code, names.get(code, code), n, code in translations) for code, n in by_language
            ],
            "missing": [(code, names.get(code, code)) for code in missing],
            "source_language": names.get(source.locale.language_code),
            "languages": settings.LANGUAGES,
            "dispatches": [
                (d, progress(d)) for d in Dispatch.objects.filter(alert=source).order_by("-pk")
            ],
            "already_sent": Dispatch.objects.filter(alert=source).exists(),
            "progress_url": reverse("advocacy_dispatch_progress"),
        },
    )


def dispatch_list_view(request):
    """Every dispatch, newest first, with live progress."""
    _require_moderator(request)
    page = Paginator(Dispatch.objects.select_related("alert").order_by("-pk"), 50).get_page(
        request.GET.get("p")
    )
    return TemplateResponse(
        request,
        "advocacy/admin/dispatch_list.html",
        {
            "page": page,
            "rows": [(d, progress(d)) for d in page.object_list],
            "headings": [_("Dispatch"), _("Created"), _("Queue"), _("Progress")],
            "progress_url": reverse("advocacy_dispatch_progress"),
        },
    )


def dispatch_detail_view(request, dispatch_id: int):
    """One dispatch: progress, controls and each failure's reason."""
    _require_moderator(request)
    dispatch = get_object_or_404(Dispatch.objects.select_related("alert"), pk=dispatch_id)
    retrying = Delivery.objects.filter(
        dispatch=dispatch, status=Delivery.Status.QUEUED, attempts__gt=0
    ).count()
    return TemplateResponse(
        request,
        "advocacy/admin/dispatch_detail.html",
        {
            "dispatch": dispatch,
            "progress": progress(dispatch),
            "failures": failures(dispatch),
            "retrying": retrying,
            "progress_url": reverse("advocacy_dispatch_progress"),
        },
    )


@require_POST
def dispatch_control_view(request, dispatch_id: int, action: str):
    """Pause, resume or cancel a dispatch."""
    _require_moderator(request)
    dispatch = get_object_or_404(Dispatch, pk=dispatch_id)
    controls = {
        "pause": (ledger.pause_dispatch, _("Paused.")),
        "resume": (ledger.resume_dispatch, _("Resumed.")),
        "cancel": (ledger.cancel_dispatch, _("Cancelled.")),
    }
    if action not in controls:
        raise PermissionDenied
    control, done = controls[action]
    if control(dispatch):
        messages.success(request, done)
    else:
        messages.warning(request, _("Nothing changed: the dispatch is %s.") % dispatch.status)
    return redirect("advocacy_dispatch", dispatch.pk)


def dispatch_progress_json(request):
    """Progress of the dispatches named in ``?ids=1,2,3`` (at most 100), and
    with ``&failures=<id>`` that dispatch's failures, for its detail page."""
    _require_moderator(request)
    ids = [int(i) for i in request.GET.get("ids", "").split(",") if i.strip().isdigit()][:100]
    payload = {"dispatches": [progress(d) for d in Dispatch.objects.filter(pk__in=ids)]}
    failures_of = request.GET.get("failures", "")
    if failures_of.isdigit():
        dispatch = Dispatch.objects.filter(pk=int(failures_of)).first()
        if dispatch is not None:
            payload["failures"] = {str(dispatch.pk): failures(dispatch)}
    return JsonResponse(payload, headers={"Cache-Control": "no-store"})


def admin_urls():
    """URL patterns for ``register_admin_urls``."""
    return [
        path("alerts/<int:page_id>/send/", alert_send_view, name="advocacy_alert_send"),
        path("alerts/sms-measure.json", sms_measure_json, name="advocacy_sms_measure"),
        path("dispatches/", dispatch_list_view, name="advocacy_dispatches"),
        path("dispatches/progress.json", dispatch_progress_json, name="advocacy_dispatch_progress"),
        path("dispatches/<int:dispatch_id>/", dispatch_detail_view, name="advocacy_dispatch"),
        path(
            "dispatches/<int:dispatch_id>/<str:action>/",
            dispatch_control_view,
            name="advocacy_dispatch_control",
        ),
    ]

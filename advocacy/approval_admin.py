"""The admin side of the alert approval rule: each refusal a person meets says why.

``AlertPage.save`` refuses any publish without the approvals (see
``advocacy.approval``); these hooks meet people before they get there, keep
what they wrote as a draft and tell them what happens next:

- the page editor's Publish (add form and edit form) is not offered for
  alerts, and a Publish sent anyway is saved as a draft with the reason;
- wagtail-localize's "Publish in …" for an alert translation saves the
  translation as a draft and submits it to the "Alert approval" workflow;
- copying an alert with "Publish copies" is refused (a copy is a new alert).

Imported by ``advocacy.alerts_admin`` so the hooks register with the app's
other admin hooks.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from wagtail import hooks
from wagtail_localize.models import Translation

from advocacy import approval
from advocacy.models import AlertIndexPage, AlertPage

PUBLISH_ACTION = "action-publish"


def _is_alert(page) -> bool:
    return page is not None and isinstance(page.specific_deferred, AlertPage)


def _draft_message(reason: str) -> str:
    return _(
        "Saved as a draft, not published: %(reason)s Use “Submit to Alert approval”; "
        "it goes live once approved."
    ) % {"reason": reason}


@hooks.register("construct_page_action_menu")
def no_direct_publish_for_alerts(menu_items, request, context):
    """Alerts go live through approval only: no Publish button in their editor."""
    page = context.get("page")
    parent = context.get("parent_page")
    if _is_alert(page) or (
        page is None and parent is not None and isinstance(parent.specific_deferred, AlertIndexPage)
    ):
        menu_items[:] = [item for item in menu_items if item.name != PUBLISH_ACTION]


@hooks.register("before_publish_page")
def refuse_unapproved_alert_publish(request, page):
    """A Publish of an alert (add or edit form) whose version lacks its
    approvals: keep the draft just saved and say why."""
    if not _is_alert(page):
        return None
    page = page.specific
    reason = approval.shortfall(page, page.get_latest_revision())
    if reason is None:
        return None
    messages.error(request, _draft_message(reason))
    return redirect("wagtailadmin_pages:edit", page.pk)


# Before wagtail-localize's own hook (order 0), which publishes from its editor.
@hooks.register("before_edit_page", order=-5)
def submit_alert_translation_instead_of_publishing(request, page):
    """wagtail-localize's "Publish in …" on an alert translation: save the
    translation as a draft and submit it for approval instead."""
    if request.method != "POST" or request.POST.get("action") != "publish":
        return None
    if not _is_alert(page):
        return None
    translation = Translation.objects.filter(
        source__object_id=page.translation_key, target_locale_id=page.locale_id, enabled=True
    ).first()
    if translation is None:
        return None
    try:
        translation.save_target(user=request.user, publish=False)
    except ValidationError:
        messages.error(
            request, _("This translation has errors; fix them before submitting it for approval.")
        )
        return redirect(request.path)
    page = AlertPage.objects.get(pk=page.pk)
    workflow = page.get_workflow()
    state = page.current_workflow_state
    if state is not None and state.status == state.STATUS_NEEDS_CHANGES:
        state.resume(request.user)
    elif workflow is not None and state is None:
        workflow.start(page, request.user)
    reason = approval.shortfall(page, page.get_latest_revision())
    messages.warning(
        request,
        _(
            "Not published: a translation of an alert is approved like any alert. "
            "%(reason)s It has been saved and submitted to Alert approval; "
            "it goes live once approved."
        )
        % {"reason": reason or ""},
    )
    return redirect(request.path)


@hooks.register("before_copy_page")
def no_published_copies_of_alerts(request, page):
    """A copy of an alert is a new alert: it cannot be published as it is copied."""
    if request.method == "POST" and request.POST.get("publish_copies") and _is_alert(page):
        messages.error(
            request,
            _(
                "A copy of an alert cannot be published straight away: untick "
                "“Publish copies”, then submit the copy for approval."
            ),
        )
        return redirect(request.get_full_path())
    return None

"""Admin views of the policy tracker (Wagtail admin, under ``/admin/policy/``).

- ``statements/<id>/``: a statement's history, newest first, with "Record a
  change" and "Record a verification" for those who may record.
- ``changes/<event id>/correct/``: "Correct this change", the change form
  filled in with what was recorded, saved as a correction.
- ``statements/<id>/change/`` and ``…/verify/``: the two forms
  (``know_your_rights.tracker_forms``). Whatever the history's rules refuse
  (``TrackerError``: no source, a date too far ahead, a supersession cycle,
  someone recorded since the form was opened…) comes back as an error on the
  form with everything the editor typed still on it.
- ``changes/``: every change, newest first, with the guides and languages it
  touched and where each stands (``tracker.impact.change_impact``).
- ``due/``: statements not verified within ``POLICY_REVIEW_DAYS`` and the
  guides resting on them (``tracker.due``).

Each change and correction, in the history and in "Policy changes", links to
its public page (in English) and carries the buttons other apps offer on it
through the ``register_policy_change_actions`` hook (``policy_change_actions``),
e.g. advocacy's "Draft an alert".

Editors, Moderators (and superusers) record; Translators, like everyone who
may view policy statements, read. The views stay thin: the rules live in
``know_your_rights.tracker``.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from wagtail import hooks
from wagtail.models import Locale

from core.roles import EDITORS, MODERATORS
from know_your_rights.models import PolicyEvent, PolicyStatement
from know_your_rights.tracker import checks, due, impact, recording
from know_your_rights.tracker_forms import RecordChangeForm, RecordVerificationForm

VIEW_PERMISSION = "know_your_rights.view_policystatement"
# Changes per page of the "Policy changes" list.
CHANGES_PER_PAGE = 25


def may_view_policy(user) -> bool:
    """Whoever may view policy statements in the admin (Editors, Moderators, Translators)."""
    return bool(user.is_authenticated and user.is_active and user.has_perm(VIEW_PERMISSION))


def may_record_policy(user) -> bool:
    """Editors and Moderators (and superusers) record changes and verifications."""
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_superuser or user.groups.filter(name__in=(EDITORS, MODERATORS)).exists())
    )


POLICY_CHANGE_ACTIONS_HOOK = "register_policy_change_actions"


def policy_change_actions(event: PolicyEvent, user, next_url: str = "") -> list:
    """The buttons other apps offer on a change or correction for ``user``.

    Each function registered for the ``register_policy_change_actions`` hook is
    called as ``fn(event, user, next_url)`` and returns an iterable of Wagtail
    components (rendered with ``{% component %}``; the page's context, with its
    ``csrf_token``, is passed to them). ``next_url`` is the admin page showing
    them. First versions and verifications get none.
    """
    if not event.changes_statement:
        return []
    return [
        action
        for hook in hooks.get_hooks(POLICY_CHANGE_ACTIONS_HOOK)
        for action in (hook(event, user, next_url) or ())
    ]


def _with_actions(events, request) -> list[PolicyEvent]:
    """``events`` as a list, each with ``admin_actions`` (``policy_change_actions``)."""
    events = list(events)
    for event in events:
        event.admin_actions = policy_change_actions(event, request.user, request.get_full_path())
    return events


def _require_viewer(request) -> None:
    if not may_view_policy(request.user):
        raise PermissionDenied


def _require_recorder(request) -> None:
    if not may_record_policy(request.user):
        raise PermissionDenied(_("Only Editors and Moderators record policy changes."))


def source_statement(statement_id: int) -> PolicyStatement:
    """The source-language statement that holds the history of ``statement_id``
    (itself, or the statement a translation was made from); 404 if none."""
    statement = get_object_or_404(PolicyStatement, pk=statement_id)
    try:
        return checks.english_statement(statement)
    except PolicyStatement.DoesNotExist as error:
        raise Http404("This translation's English statement is gone.") from error


def _history(statement: PolicyStatement):
    return (
        PolicyEvent.objects.filter(statement=statement)
        .select_related("source", "superseded_by", "recorded_by", "corrects")
        .order_by("-sequence")
    )


def statement_history_view(request, statement_id: int):
    """A statement's history, newest first."""
    _require_viewer(request)
    statement = source_statement(statement_id)
    if statement.pk != statement_id:
        return redirect("know_your_rights_policy_history", statement.pk)
    return TemplateResponse(
        request,
        "know_your_rights/admin/policy_history.html",
        {
            "statement": statement,
            "events": _with_actions(_history(statement), request),
            "may_record": may_record_policy(request.user),
        },
    )


def _stale(form, statement: PolicyStatement, error) -> list[PolicyEvent]:
    """After StaleHistory: the form keeps what was typed, says what happened,
    and lists what was recorded since it was opened. Its hidden sequence
    moves to the latest, so saving again (after reading) records after them."""
    loaded = form.cleaned_data["expected_sequence"]
    data = form.data.copy()
    data["expected_sequence"] = str(recording.latest_sequence(statement))
    form.data = data
    form.add_error(None, error.message)
    return list(_history(statement).filter(sequence__gt=loaded))


def _record(request, statement, form_class, record, template: str, *, initial=None, extra=None):
    """GET: the form (``initial`` filled in). POST: record through
    ``record(form, statement, user)``, or show the refusal on the form."""
    recorded_since: list[PolicyEvent] = []
    if request.method == "POST":
        form = form_class(statement, request.POST)
        if form.is_valid():
            try:
                with transaction.atomic():
                    event = record(form, statement, request.user)
            except checks.StaleHistory as error:
                recorded_since = _stale(form, statement, error)
            except checks.TrackerError as error:
                form.add_error(None, error.message)
            else:
                marked = event.guide_marks.count()
                if event.kind == PolicyEvent.Kind.CORRECTION:
                    messages.success(
                        request,
                        ngettext(
                            "Correction recorded. %(count)s guide page is marked as needing update.",
                            "Correction recorded. %(count)s guide pages are marked as needing update.",
                            marked,
                        )
                        % {"count": marked},
                    )
                elif event.changes_statement:
                    messages.success(
                        request,
                        ngettext(
                            "Change recorded. %(count)s guide page is marked as needing update.",
                            "Change recorded. %(count)s guide pages are marked as needing update.",
                            marked,
                        )
                        % {"count": marked},
                    )
                else:
                    messages.success(request, _("Verification recorded."))
                return redirect("know_your_rights_policy_history", statement.pk)
    else:
        initial = {**(initial or {}), "expected_sequence": recording.latest_sequence(statement)}
        form = form_class(statement, initial=initial)
    return TemplateResponse(
        request,
        template,
        {
            "statement": statement,
            "form": form,
            "recorded_since": recorded_since,
            "guides": impact.guides_citing(statement).filter(locale=statement.locale_id)
            if form_class is RecordChangeForm
            else None,
            **(extra or {}),
        },
    )


def _change_arguments(form: RecordChangeForm, user) -> dict:
    data = form.cleaned_data
    return {
        "status": data["status"],
        "source": form.source_to_record(),
        "effective_date": form.effective_date,
        "note": data["note"],
        "quote": data["quote"] or None,
        "superseded_by": data["superseded_by"],
        "user": user,
        "expected_sequence": data["expected_sequence"],
    }


def _record_change(form: RecordChangeForm, statement: PolicyStatement, user) -> PolicyEvent:
    return recording.record_change(statement, **_change_arguments(form, user))


def _record_verification(
    form: RecordVerificationForm, statement: PolicyStatement, user
) -> PolicyEvent:
    data = form.cleaned_data
    return recording.record_verification(
        statement,
        source=form.source_to_record(),
        checked_on=data["checked_on"],
        note=data["note"],
        user=user,
        expected_sequence=data["expected_sequence"],
    )


def record_change_view(request, statement_id: int):
    """ "Record a change": new status or text, on a source, from a date."""
    _require_recorder(request)
    return _record(
        request,
        source_statement(statement_id),
        RecordChangeForm,
        _record_change,
        "know_your_rights/admin/policy_record_change.html",
    )


def record_correction_view(request, event_id: int):
    """ "Correct this change": what a wrongly recorded change should have said,
    recorded as a correction (the change itself stays in the history)."""
    _require_recorder(request)
    event = get_object_or_404(
        PolicyEvent.objects.select_related("statement", "source", "superseded_by", "recorded_by"),
        pk=event_id,
        kind__in=PolicyEvent.CHANGING_KINDS,
    )

    def record(form, statement, user):
        return recording.record_correction(event, **_change_arguments(form, user))

    return _record(
        request,
        event.statement,
        RecordChangeForm,
        record,
        "know_your_rights/admin/policy_record_change.html",
        initial={
            "status": event.status,
            "quote": event.quote,
            "superseded_by": event.superseded_by_id,
            "source": event.source_id,
            "effective_year": event.effective_year,
            "effective_month": event.effective_month,
            "effective_day": event.effective_day,
        },
        extra={"correcting": event},
    )


def record_verification_view(request, statement_id: int):
    """ "Record a verification": checked against current policy, nothing changed."""
    _require_recorder(request)
    return _record(
        request,
        source_statement(statement_id),
        RecordVerificationForm,
        _record_verification,
        "know_your_rights/admin/policy_record_verification.html",
    )


def policy_changes_view(request):
    """Every change, newest first, with what it touched and where each guide stands."""
    _require_viewer(request)
    changes = (
        PolicyEvent.objects.changes()
        .select_related("statement", "source", "recorded_by", "superseded_by")
        .order_by("-recorded_at", "-pk")
    )
    page = Paginator(changes, CHANGES_PER_PAGE).get_page(request.GET.get("p"))
    events = _with_actions(page.object_list, request)
    touched = impact.change_impact(events)
    return TemplateResponse(
        request,
        "know_your_rights/admin/policy_changes.html",
        {
            "page": page,
            "changes": [(event, touched.get(event.pk, [])) for event in events],
            "source_locale": Locale.get_default(),
        },
    )


def due_for_verification_view(request):
    """Statements not verified within POLICY_REVIEW_DAYS, with the guides resting on them."""
    _require_viewer(request)
    statements = list(due.statements_due_for_verification())
    guides = due.citing_guides(statements)
    return TemplateResponse(
        request,
        "know_your_rights/admin/policy_due.html",
        {
            "statements": [(statement, guides[statement.pk]) for statement in statements],
            "review_days": settings.POLICY_REVIEW_DAYS,
            "may_record": may_record_policy(request.user),
        },
    )


def admin_urls():
    """URL patterns for ``register_admin_urls``."""
    return [
        path("policy/changes/", policy_changes_view, name="know_your_rights_policy_changes"),
        path("policy/due/", due_for_verification_view, name="know_your_rights_policy_due"),
        path(
            "policy/statements/<int:statement_id>/",
            statement_history_view,
            name="know_your_rights_policy_history",
        ),
        path(
            "policy/statements/<int:statement_id>/change/",
            record_change_view,
            name="know_your_rights_policy_record_change",
        ),
        path(
            "policy/changes/<int:event_id>/correct/",
            record_correction_view,
            name="know_your_rights_policy_record_correction",
        ),
        path(
            "policy/statements/<int:statement_id>/verify/",
            record_verification_view,
            name="know_your_rights_policy_record_verification",
        ),
    ]

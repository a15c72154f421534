"""The alert approval rule, in one place.

An alert page, in any language, is live and sendable only when the revision
that is live carries the approvals its urgency needs:

- urgent: two different people, neither of them its author;
- standard: one Moderator who is not its author.

Its authors are the page's owner, everyone who saved that revision or an
earlier one since the last approved version, and the person who submitted it
for approval; superusers are no exception. An
approval is recorded per revision (``AlertApproval``) by the "Alert approval"
workflow task, for members of its approving groups (or superusers) only, so
every edit makes a revision that needs approvals of its own. A translation is
a page of its own: the source alert's approvals never count for it, and it
needs as many approvals as the stricter of its own urgency and its source's.
Publish permission changes nothing: publishing is refused, not bypassed.

Where it is enforced:

- ``AlertPage.save`` asks ``go_live_refusal`` whenever a save would make a
  row live or change its live revision. Every way of publishing ends in that
  save: the admin's Publish, a workflow's last approval, wagtail-localize's
  "Publish in …" and "Sync translated pages", copies, scheduled publishing,
  a shell. A refused publish raises ``AlertNotApproved``; the page keeps
  what was live before. The save records the approved revision on the page
  (``approved_revision``).
- A text message longer than ``SMS_MAX_SEGMENTS`` is refused at approval
  and at going live (``text_refusal``), whichever way it was written: a
  translation edited through wagtail-localize never passes the alert form's
  own check.
- Every reader asks ``AlertPage.objects.approved()``: live, with the live
  revision the approved one. A row made live behind the rule's back (a
  queryset ``update`` in a shell) matches nothing, so it appears nowhere:
  not on the site, in feeds, the API, the digest, search, or a send.

This module imports none of Faro's models: the models call it, and it
reaches approvals through the revision (``revision.alert_approvals``).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from wagtail_localize.models import StringTranslation

from advocacy.sms.segments import segment_limit_error

URGENT = "urgent"
URGENT_APPROVALS = 2
STANDARD_APPROVALS = 1


class AlertNotApproved(PermissionDenied):
    """Publishing (or sending) an alert whose revision lacks its approvals.

    A ``PermissionDenied``: a path the admin does not intercept with a message
    ends in a refusal (403), never in a published page or a server error.
    """


def revision_urgency(revision) -> str:
    """The urgency an alert revision was written with ("" if unknown)."""
    if revision is None:
        return ""
    return str((revision.content or {}).get("urgency") or "")


def approvals_needed(page, revision=None) -> int:
    """How many approvals ``revision`` of ``page`` needs.

    Two when that revision, the page as stored, or the page's source alert
    (for a translation) is urgent: a translation never needs fewer approvals
    than the alert it translates.
    """
    urgencies = {revision_urgency(revision), page.urgency}
    source = page.source_alert()
    if source.pk != page.pk:
        urgencies.add(source.urgency)
    return URGENT_APPROVALS if URGENT in urgencies else STANDARD_APPROVALS


def authors(page, revision, submitter_id: int | None = None) -> set[int]:
    """Ids of the people who count as the author of ``revision`` of ``page``:
    the page's owner (now and as the revision recorded it), whoever saved the
    revision or any earlier revision since the page's last approved one (their
    words may be in it: someone else saving after them does not make the text
    someone else's), and whoever submitted it for approval."""
    ids = {page.owner_id, submitter_id}
    if revision is not None:
        ids.add(revision.user_id)
        ids.add((revision.content or {}).get("owner"))
        ids |= _unapproved_writers(page, revision)
    return {pk for pk in ids if pk is not None}


def _unapproved_writers(page, revision) -> set[int]:
    # The approved revision as stored (not as ``page`` may carry it from a
    # revision's content), so the approval and the publish agree.
    if revision.pk is None or page.pk is None:
        return set()
    stored = (
        type(page)
        ._default_manager.filter(pk=page.pk)
        .values_list("approved_revision_id", flat=True)
    )
    approved_id = stored.first() or 0
    revisions = type(revision)._default_manager.filter(
        base_content_type_id=revision.base_content_type_id, object_id=revision.object_id
    )
    writers = set(
        revisions.filter(pk__gt=approved_id, pk__lte=revision.pk)
        .exclude(user_id=None)
        .values_list("user_id", flat=True)
    )
    # A translation's words are written segment by segment in the translation
    # editor, and the revision is saved by whoever publishes or syncs it: the
    # segments' translators since the last approved version are authors too.
    segments = StringTranslation.objects.filter(
        locale_id=page.locale_id, context__object_id=page.translation_key
    ).exclude(last_translated_by=None)
    approved_at = revisions.filter(pk=approved_id).values_list("created_at", flat=True).first()
    if approved_at is not None:
        segments = segments.filter(updated_at__gt=approved_at)
    writers |= set(segments.values_list("last_translated_by_id", flat=True))
    return writers


def _belongs_to(page, revision) -> bool:
    # A revision made in this process holds the page's pk, one read back a string.
    return revision is not None and str(revision.object_id) == str(page.pk)


def counted_approvers(page, revision) -> set[int]:
    """The approvers of ``revision`` who count for ``page``: approvals of that
    exact revision (of this page, not of another language's page), by people
    who are not its authors."""
    if not _belongs_to(page, revision) or revision.pk is None:
        return set()
    excluded = authors(page, revision)
    return {
        pk
        for pk in revision.alert_approvals.values_list("approver_id", flat=True)
        if pk not in excluded
    }


def is_approved(page, revision) -> bool:
    """Whether ``revision`` of ``page`` carries the approvals the rule asks for."""
    return len(counted_approvers(page, revision)) >= approvals_needed(page, revision)


def shortfall(page, revision) -> str | None:
    """Why ``revision`` of ``page`` may not be live or sent, or None if it may."""
    if not _belongs_to(page, revision):
        return _("This alert has no approved version: submit it to Moderators for approval.")
    approvals = len(counted_approvers(page, revision))
    needed = approvals_needed(page, revision)
    if approvals >= needed:
        return None
    if needed == URGENT_APPROVALS:
        if approvals == 0:
            return _(
                "This urgent alert needs two approvals, by two different people "
                "who did not write it."
            )
        return _(
            "This urgent alert needs a second approval, by another person who did not write it."
        )
    return _("This alert needs the approval of a Moderator who did not write it.")


def text_refusal(sms_text) -> str | None:
    """Why an alert's own text message may not be approved or go live (longer
    than SMS_MAX_SEGMENTS), or None. An empty one is made to fit when sent."""
    text = str(sms_text or "").strip()
    return segment_limit_error(text) if text else None


def go_live_refusal(page) -> str | None:
    """Why ``page`` may not be made live with its ``live_revision``, or None."""
    return text_refusal(getattr(page, "sms_text", "")) or shortfall(page, page.live_revision)


def approval_refusal(
    page, revision, user, *, may_approve: bool, submitter_id: int | None = None
) -> str | None:
    """Why ``user`` may not approve ``revision`` of ``page`` now, or None.

    ``may_approve``: whether the user is in one of the approving groups (or a
    superuser), as the workflow task decides.
    """
    if not (user.is_active and may_approve):
        return _("Only members of the approving groups can approve this alert.")
    if user.pk in authors(page, revision, submitter_id):
        return _("An alert cannot be approved by its author, nor by the person who submitted it.")
    if revision.alert_approvals.filter(approver_id=user.pk).exists():
        return _("You have already approved this version; it needs another person's approval.")
    return text_refusal((revision.content or {}).get("sms_text"))


def record_approval(
    page, revision, user, *, may_approve: bool, submitter_id: int | None = None
) -> bool:
    """Record ``user``'s approval of ``revision`` of ``page``.

    Raises ``PermissionDenied`` with the reason when they may not approve.
    Returns whether the revision now has every approval it needs.
    """
    reason = approval_refusal(
        page, revision, user, may_approve=may_approve, submitter_id=submitter_id
    )
    if reason:
        raise PermissionDenied(reason)
    revision.alert_approvals.create(approver=user)
    return is_approved(page, revision)


def progress(page) -> tuple[int, int]:
    """(approvals counted, approvals needed) for the version of ``page`` that
    would be published next (its latest revision): "1 of 2"."""
    revision = page.get_latest_revision()
    return len(counted_approvers(page, revision)), approvals_needed(page, revision)

"""From a recorded policy change to the people it concerns: "Draft an alert".

A change (or correction) recorded in the policy tracker can seed an alert: a
draft in the source language (English), written by the person who asked for
it, that goes through the normal Alert approval and the explicit Send like
any other. Nothing here publishes or sends anything.

What the draft says comes only from the recorded change: the statement's
plain-language summary, its new status, the source, the effective date, the
editor's note, the words before and after, and links to the change's public
page and to the guides the change marked. Who it concerns:

- topic: statements have no topic of their own, so a statement whose source
  is a memo (the NYPD memo the guides rest on) gets the ``nypd-policy``
  topic, any other statement none (an alert with no topic reaches every
  topic's subscribers);
- areas: guides have no areas, so the draft concerns every area.

Drafting twice from one change (a double click) gives the same draft.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from wagtail.models import Locale

from advocacy.models import AlertIndexPage, AlertPage, Topic
from core.absolute_urls import page_url
from know_your_rights.models import GuidePage, PolicyEvent, PolicySource, PolicyStatement
from know_your_rights.policy_links import change_url

TOPIC_FOR_MEMO_STATEMENTS = "nypd-policy"
# The page title is at most 255 characters; the template around the summary
# takes a few dozen.
TITLE_SUMMARY_CHARACTERS = 200
# An alert's summary is at most 600 characters.
SUMMARY_CHARACTERS = 600


class AlertDraftRefused(ValueError):
    """The change cannot seed an alert; ``message`` says why, in the admin's language."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def draft_slug(event: PolicyEvent) -> str:
    """The slug of the alert drafted from ``event`` (one per change)."""
    return f"policy-change-{event.pk}"


def alert_drafted_from(event: PolicyEvent) -> AlertPage | None:
    """The source-language alert already drafted from ``event``, if any."""
    return AlertPage.objects.filter(slug=draft_slug(event), locale=Locale.get_default()).first()


def topic_for(statement: PolicyStatement) -> Topic | None:
    """``nypd-policy`` for a statement whose source is a memo; None otherwise."""
    if statement.source.kind != PolicySource.Kind.MEMO:
        return None
    return Topic.objects.filter(slug=TOPIC_FOR_MEMO_STATEMENTS).first()


def affected_guides(event: PolicyEvent) -> list[GuidePage]:
    """The published source-language guides ``event`` marked as needing update, in site order."""
    marked = event.guide_marks.values("page_id")
    return list(
        GuidePage.objects.filter(pk__in=marked, locale=Locale.get_default())
        .live()
        .public()
        .order_by("path")
    )


def draft_alert_from_change(event: PolicyEvent, user) -> AlertPage:
    """A draft English alert announcing ``event``, owned by ``user``; never live, never sent.

    Returns the alert already drafted from ``event`` if there is one. Raises
    ``AlertDraftRefused`` for an event that changed nothing (a first version
    or a verification) or when there is no English alert index.
    """
    if not event.changes_statement:
        raise AlertDraftRefused(_("Only a change or a correction can be announced in an alert."))
    with transaction.atomic():
        # Two clicks at once: the second waits here, then finds the first's draft.
        PolicyEvent.objects.select_for_update().filter(pk=event.pk).first()
        existing = alert_drafted_from(event)
        if existing is not None:
            return existing
        parent = AlertIndexPage.objects.filter(locale=Locale.get_default()).first()
        if parent is None:
            raise AlertDraftRefused(_("There is no English alert index: add one first."))
        guides = affected_guides(event)
        with translation.override(settings.LANGUAGE_CODE):
            alert = AlertPage(
                title=_title(event),
                slug=draft_slug(event),
                summary=_summary(event),
                body=_body(event, guides),
                urgency=AlertPage.Urgency.STANDARD,
                every_area=True,
                guide=guides[0] if len(guides) == 1 else None,
                owner=user,
                live=False,
            )
        topic = topic_for(event.statement)
        if topic is not None:
            alert.topics = [topic]
        parent.add_child(instance=alert)
        alert.save_revision(user=user, log_action=True)
    return alert


def _title(event: PolicyEvent) -> str:
    summary = Truncator(event.statement.summary).chars(TITLE_SUMMARY_CHARACTERS)
    Status = PolicyStatement.Status
    if event.kind == PolicyEvent.Kind.CORRECTION:
        template = _("Correction to a policy change: %(summary)s")
    elif event.status == Status.RESCINDED:
        template = _("Policy rescinded: %(summary)s")
    elif event.status == Status.SUPERSEDED:
        template = _("Policy replaced: %(summary)s")
    elif event.status == Status.IN_FORCE:
        template = _("Policy in force: %(summary)s")
    else:
        template = _("Policy changed: %(summary)s")
    return template % {"summary": summary}


def _summary(event: PolicyEvent) -> str:
    Status = PolicyStatement.Status
    values = {"source": event.source.title, "effective": event.effective_display}
    if event.status == Status.RESCINDED:
        what = _("%(source)s says this policy is rescinded, effective %(effective)s.")
    elif event.status == Status.SUPERSEDED:
        what = _("%(source)s says another policy replaces this one, effective %(effective)s.")
    elif event.status == Status.IN_FORCE:
        what = _("%(source)s says this policy is in force, effective %(effective)s.")
    else:
        what = _("%(source)s says this policy has changed, effective %(effective)s.")
    sentences = [what % values, _("The policy: %(summary)s") % {"summary": event.statement.summary}]
    if event.kind == PolicyEvent.Kind.CORRECTION:
        sentences.insert(0, _("This corrects an earlier record of a change."))
    return Truncator(" ".join(sentences)).chars(SUMMARY_CHARACTERS)


def _body(event: PolicyEvent, guides: list[GuidePage]) -> str:
    """The alert's rich text: the recorded change and links (absolute: alerts are emailed)."""
    source = event.source
    parts = []
    if event.note:
        parts.append(format_html("<p>{}</p>", event.note))
    if event.previous_quote and event.quote != event.previous_quote:
        parts.append(format_html("<p>{}: “{}”</p>", _("It said"), event.previous_quote))
        parts.append(format_html("<p>{}: “{}”</p>", _("It now says"), event.quote))
    if event.superseded_by_id:
        parts.append(format_html("<p>{}: {}</p>", _("Replaced by"), event.superseded_by.summary))
    source_name = (
        format_html('<a href="{}">{}</a>', source.url, source.title) if source.url else source.title
    )
    parts.append(format_html("<p>{}: {} ({})</p>", _("Source"), source_name, source.date_display))
    parts.append(
        format_html(
            '<p><a href="{}">{}</a></p>',
            change_url(event.pk, settings.LANGUAGE_CODE),
            _("The change in the policy tracker"),
        )
    )
    if guides:
        parts.append(format_html("<p>{}</p>", _("Guides that rely on this policy:")))
        parts.append(
            format_html(
                "<ul>{}</ul>",
                format_html_join(
                    "", '<li><a href="{}">{}</a></li>', ((page_url(g), g.title) for g in guides)
                ),
            )
        )
    return "".join(parts)

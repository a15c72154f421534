"""Content for the security tests, made with tests.factories: a guide (every block), its Spanish
translation, snippets, an alert, a dispatch and a subscriber. ``text`` goes
into every text field, so XSS tests can pass a payload."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.html import escape

from advocacy.models import AlertPage, Dispatch, Subscriber
from know_your_rights.models import GuidePage, Hotline, PolicySource, PolicyStatement
from tests.factories.advocacy import AlertPageFactory, SubscriberFactory
from tests.factories.know_your_rights import (
    GuidePageFactory,
    HotlineFactory,
    PolicySourceFactory,
    PolicyStatementFactory,
    body_with_every_block,
)
from tests.factories.site import build_site_tree, guide_index, locale

SUBSCRIBER_ADDRESS = "hidden.person@example.org"


@dataclass
class Content:
    source: PolicySource
    statement: PolicyStatement
    hotline: Hotline
    guide: GuidePage
    guide_es: GuidePage
    alert: AlertPage
    dispatch: Dispatch
    subscriber: Subscriber


def build_content(text: str = "Plain text", rich: str | None = None) -> Content:
    """Build and publish everything; ``text`` fills each plain field, ``rich``
    (default: ``text`` in a paragraph) each rich-text field."""
    rich = rich if rich is not None else f"<p>{escape(text)}</p>"
    alert_index = build_site_tree().alert_index

    source = PolicySourceFactory(
        title=f"{text} source",
        issuer=text,
        full_text=text,
        text_attribution=text,
        date_year=None,
        url="",
    )
    statement = PolicyStatementFactory(
        key="statement-one",
        source=source,
        attribution=text,
        quote=text,
        summary=text,
        status_note=text,
        named_contact=text,
        named_contact_phone="212-555-0100",
        as_of_year=None,
    )
    hotline = HotlineFactory(
        name=text, phone="212-555-0101", hours=text, languages_served=text, audience=text
    )

    guide = GuidePageFactory(
        parent=guide_index(intro=text),
        title=text,
        slug="talking-to-the-nypd",
        situation=text,
        summary=text,
        search_description=text,
        body=body_with_every_block(text, statement, hotline, rich),
    )
    # A second revision, so there is something to compare.
    guide.summary = f"{text} (updated)"
    guide.save_revision().publish()
    guide.refresh_from_db()
    guide_es = guide.copy_for_translation(locale("es"), copy_parents=True)
    guide_es.save_revision().publish()
    guide_es.refresh_from_db()

    alert = AlertPageFactory(
        parent=alert_index,
        title=text,
        slug="checkpoint",
        summary=text[:600],
        body=rich,
        every_area=True,
        approved=True,
    )
    alert = AlertPage.objects.get(pk=alert.pk)
    dispatch = Dispatch.objects.create(alert=alert, alert_title=alert.title, status="paused")
    subscriber = SubscriberFactory(email=SUBSCRIBER_ADDRESS, confirmed_at=None)
    return Content(source, statement, hotline, guide, guide_es, alert, dispatch, subscriber)

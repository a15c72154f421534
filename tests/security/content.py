"""Content for the security tests: a guide (every block), its Spanish
translation, snippets, an alert, a dispatch and a subscriber. ``text`` goes
into every text field, so XSS tests can pass a payload."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import Group, Permission
from wagtail.models import Locale

from advocacy.models import AlertPage, Dispatch, Subscriber
from know_your_rights.models import (
    GuideIndexPage,
    GuidePage,
    Hotline,
    PolicySource,
    PolicyStatement,
)
from tests.advocacy.alert_support import approve, ensure_site_tree

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


def guide_body(text: str, statement: PolicyStatement, hotline: Hotline, rich: str) -> list:
    return [
        (
            "right",
            {"right": text, "say": text, "avoid": text, "statement": statement, "on_card": True},
        ),
        ("steps", {"heading": text, "steps": [text, text]}),
        ("callout", {"heading": text, "text": rich, "statement": statement}),
        ("hotline", {"hotline": hotline, "note": text}),
        ("faq", {"heading": text, "items": [{"question": text, "answer": rich}]}),
        ("paragraph", rich),
    ]


def build_content(text: str = "Plain text", rich: str | None = None) -> Content:
    """Build and publish everything; ``text`` fills each plain field, ``rich``
    (default: ``text`` in a paragraph) each rich-text field."""
    from django.utils.html import escape

    rich = rich if rich is not None else f"<p>{escape(text)}</p>"
    alert_index = ensure_site_tree()
    home = alert_index.get_parent()
    spanish = Locale.objects.get_or_create(language_code="es")[0]

    source = PolicySource.objects.create(
        title=f"{text} source", issuer=text, full_text=text, text_attribution=text
    )
    statement = PolicyStatement.objects.create(
        key="statement-one",
        source=source,
        attribution=text,
        quote=text,
        summary=text,
        status_note=text,
        named_contact=text,
        named_contact_phone="212-555-0100",
    )
    hotline = Hotline.objects.create(
        name=text, phone="212-555-0101", hours=text, languages_served=text, audience=text
    )

    index = GuideIndexPage.objects.child_of(home).first()
    if index is None:
        index = home.add_child(instance=GuideIndexPage(title="Guides", slug="guides", intro=text))
    guide = GuidePage(
        title=text,
        slug="talking-to-the-nypd",
        situation=text,
        summary=text,
        search_description=text,
        body=guide_body(text, statement, hotline, rich),
    )
    index.add_child(instance=guide)
    guide.save_revision().publish()
    guide.refresh_from_db()
    # A second revision, so there is something to compare.
    guide.summary = f"{text} (updated)"
    guide.save_revision().publish()
    guide.refresh_from_db()
    guide_es = guide.copy_for_translation(spanish, copy_parents=True)
    guide_es.save_revision().publish()
    guide_es.refresh_from_db()

    alert = AlertPage(title=text, slug="checkpoint", summary=text[:600], body=rich, every_area=True)
    alert_index.add_child(instance=alert)
    alert.save_revision()
    alert = approve(alert)
    dispatch = Dispatch.objects.create(alert=alert, alert_title=alert.title, status="paused")

    subscriber = Subscriber(email=SUBSCRIBER_ADDRESS, status=Subscriber.Status.ACTIVE)
    subscriber.save()
    return Content(source, statement, hotline, guide, guide_es, alert, dispatch, subscriber)


ROLES = ("anonymous", "no_group", "Editors", "Moderators", "Translators", "superuser")


def user_for(role: str, django_user_model):
    """A user in ``role``: one of the three groups, a staff user with admin
    access but no group, or a superuser (None for anonymous)."""
    if role == "anonymous":
        return None
    username = f"{role.lower()}-user"
    if role == "superuser":
        return django_user_model.objects.create_superuser(
            username, f"{username}@example.org", "x" * 16
        )
    user = django_user_model.objects.create_user(username, f"{username}@example.org", "x" * 16)
    if role == "no_group":
        user.is_staff = True
        user.save()
        user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    else:
        user.groups.add(Group.objects.get(name=role))
    return user

"""Render alert and digest emails, once per language (or content) per sender.

Rendering a template per recipient would dominate the cost of a large send,
so each language's message is rendered once with placeholders for the only
parts that differ per subscriber (the preferences and unsubscribe links);
``RenderedMessage.personalise`` fills them in with plain string replacement.

Per-recipient values go only where Faro's own templates put them, never
inside what an author wrote. Escaping or stripping placeholder text from
author content cannot be made reliable (the text version strips tags, so
``FARO-<b></b>URL`` becomes ``FARO-URL``; MIME encoding changes it again), so
instead every placeholder is a fresh random value made when the message is
rendered (``new_placeholder``): content written before it existed cannot
contain it. The recipient's address, the Message-ID and the List-Unsubscribe
header are replaced in the message's header block only.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext

from advocacy import tokens
from advocacy.audience import live_translations
from advocacy.mail import build_email
from advocacy.models import Subscriber
from core import absolute_urls
from core.languages import direction


def new_placeholder(kind: str) -> str:
    """A placeholder nobody can write in advance: 64 random bits, made now
    (short enough that a header holding one is never folded)."""
    return f"faro-{kind}-{secrets.token_hex(8)}"


def bcp47(language: str) -> str:
    """zh-hans becomes zh-Hans for the html ``lang`` attribute."""
    base, _, script = language.partition("-")
    return f"{base}-{script.title()}" if len(script) == 4 else language


def absolute_url(page) -> str:
    """The public address of a Wagtail page on SITE_URL (with its language prefix)."""
    return absolute_urls.page_url(page) or absolute_urls.absolute_url(page.url_path)


@dataclass(frozen=True)
class RenderedMessage:
    """Subject and bodies in one language, links still as placeholders
    (``preferences_placeholder``, ``unsubscribe_placeholder``: made for this
    rendering, see the module docstring)."""

    language: str
    subject: str
    text: str
    html: str
    preferences_placeholder: str
    unsubscribe_placeholder: str

    def personalise(self, subscriber) -> tuple[str, str]:
        """(text, html) with this subscriber's own signed links."""
        preferences = tokens.preferences_url(subscriber, self.language)
        unsubscribe = tokens.unsubscribe_url(subscriber)
        text = self.text.replace(self.preferences_placeholder, preferences).replace(
            self.unsubscribe_placeholder, unsubscribe
        )
        html = self.html.replace(self.preferences_placeholder, preferences).replace(
            self.unsubscribe_placeholder, unsubscribe
        )
        return text, html


def _placeholders() -> dict:
    return {
        "preferences_url": new_placeholder("preferences-url"),
        "unsubscribe_url": new_placeholder("unsubscribe-url"),
    }


def _context(language: str, placeholders: dict, **extra) -> dict:
    return {
        "lang": language,
        "lang_tag": bcp47(language),
        "dir": direction(language),
        **placeholders,
        "site_url": settings.SITE_URL,
        **extra,
    }


def _rendered(language, subject, text, html, placeholders) -> RenderedMessage:
    return RenderedMessage(
        language,
        subject,
        text,
        html,
        preferences_placeholder=placeholders["preferences_url"],
        unsubscribe_placeholder=placeholders["unsubscribe_url"],
    )


def render_alert(source, language: str, translations: dict | None = None) -> RenderedMessage:
    """The alert ``source`` as a ``language`` reader receives it.

    Uses the translation live in ``language`` (``translations`` maps language
    codes to live pages; looked up when omitted), else the source page; the
    email's own words (greeting, links) are always in the reader's language.
    """
    if translations is None:
        translations = live_translations(source)
    page = translations.get(language) or source
    content_language = page.locale.language_code
    guide = None
    if page.guide_id:
        guide_page = page.guide.specific
        localized = guide_page.get_translation_or_none(page.locale) or guide_page
        guide = localized if localized.live else None
    follow_up_of = None
    if page.follow_up_of_id:
        # Only an approved version of the earlier alert is quoted.
        follow_up_of = page.follow_up_of.approved_version_in(page.locale)
    placeholders = _placeholders()
    with translation.override(language):
        context = _context(
            language,
            placeholders,
            alert=page,
            content_lang=content_language,
            content_lang_tag=bcp47(content_language),
            content_dir=direction(content_language),
            is_fallback=content_language != language,
            alert_url=absolute_url(page),
            guide=guide,
            guide_url=absolute_url(guide) if guide else "",
            follow_up_of=follow_up_of,
            follow_up_url=absolute_url(follow_up_of) if follow_up_of else "",
        )
        if page.follow_up_kind == "correction":
            prefix = gettext("Correction")
        elif page.follow_up_kind == "all_clear":
            prefix = gettext("All clear")
        elif page.urgency == "urgent":
            prefix = gettext("Urgent")
        else:
            prefix = gettext("Alert")
        subject = f"{prefix}: {page.title}".replace("\n", " ").replace("\r", " ")
        text = render_to_string("advocacy/email/alert.txt", context)
        html = render_to_string("advocacy/email/alert.html", context)
    return _rendered(language, subject, text, html, placeholders)


def render_digest(language: str, alerts: list, guides: list) -> RenderedMessage:
    """A digest in ``language`` listing ``alerts`` and updated ``guides``
    (pages already localized where a live translation exists)."""
    placeholders = _placeholders()
    with translation.override(language):
        context = _context(
            language,
            placeholders,
            alerts=[
                (page, absolute_url(page), direction(page.locale.language_code)) for page in alerts
            ],
            guides=[
                (page, absolute_url(page), direction(page.locale.language_code)) for page in guides
            ],
        )
        subject = gettext("Faro: this week's alerts and guides")
        text = render_to_string("advocacy/email/digest.txt", context)
        html = render_to_string("advocacy/email/digest.html", context)
    return _rendered(language, subject, text, html, placeholders)


class MessageTemplate:
    """A whole message in bytes, built once through ``build_email`` (so it
    carries exactly the headers every Faro email carries); for each
    subscriber only the recipient, the Message-ID and the signed links are
    replaced. Building MIME per message would cost more than sending it.

    The recipient, Message-ID and List-Unsubscribe header are replaced in the
    header block only, the links in the body only where the templates put
    their placeholders (fresh random values, see the module docstring), so
    nothing an author wrote can become a subscriber's address or link.

    ``usable`` is False when the encoder folded or encoded a placeholder
    (very long lines get quoted-printable); callers then build per message.
    """

    def __init__(self, rendered: RenderedMessage):
        self.rendered = rendered
        self.recipient_placeholder = f"{new_placeholder('to')}@faro-placeholder.invalid"
        self.message_id_placeholder = f"{new_placeholder('id')}@faro-placeholder.invalid"
        stand_in = Subscriber(pk=0, language=rendered.language)
        stand_in.email = self.recipient_placeholder
        message = build_email(
            stand_in,
            rendered.subject,
            rendered.text,
            rendered.html,
            message_id=f"<{self.message_id_placeholder}>",
            to=self.recipient_placeholder,
        )
        self.sender = message.from_email
        self.header_url = message.extra_headers["List-Unsubscribe"].strip("<>").encode()
        payload = message.message().as_bytes(linesep="\r\n")
        self.headers, separator, self.body = payload.partition(b"\r\n\r\n")
        self.headers += separator
        self.usable = all(
            marker in self.headers
            for marker in (
                self.recipient_placeholder.encode(),
                self.message_id_placeholder.encode(),
                self.header_url,
            )
        ) and all(
            marker in self.body
            for marker in (
                rendered.unsubscribe_placeholder.encode(),
                rendered.preferences_placeholder.encode(),
            )
        )

    def for_subscriber(self, subscriber, address: str, message_id: str) -> bytes:
        """The message for one subscriber (``message_id`` with angle brackets)."""
        unsubscribe = tokens.unsubscribe_url(subscriber).encode()
        preferences = tokens.preferences_url(subscriber, self.rendered.language).encode()
        headers = (
            self.headers.replace(self.recipient_placeholder.encode(), address.encode())
            .replace(self.message_id_placeholder.encode(), message_id.strip("<>").encode())
            .replace(self.header_url, unsubscribe)
        )
        body = self.body.replace(
            self.rendered.unsubscribe_placeholder.encode(), unsubscribe
        ).replace(self.rendered.preferences_placeholder.encode(), preferences)
        return headers + body

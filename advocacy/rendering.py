"""Render alert and digest emails, once per language (or content) per sender.

Rendering a template per recipient would dominate the cost of a large send,
so each language's message is rendered once with placeholders for the only
parts that differ per subscriber (the preferences and unsubscribe links);
``RenderedMessage.personalise`` fills them in with plain string replacement.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext

from advocacy import tokens

PREFERENCES_PLACEHOLDER = "FARO-PREFERENCES-URL-7f3a"
UNSUBSCRIBE_PLACEHOLDER = "FARO-UNSUBSCRIBE-URL-7f3a"


def text_direction(language: str) -> str:
    """``rtl`` for Arabic and Urdu, ``ltr`` otherwise."""
    return "rtl" if language.split("-")[0] in settings.LANGUAGES_BIDI else "ltr"


def bcp47(language: str) -> str:
    """zh-hans becomes zh-Hans for the html ``lang`` attribute."""
    base, _, script = language.partition("-")
    return f"{base}-{script.title()}" if len(script) == 4 else language


def absolute_url(page) -> str:
    """The public address of a Wagtail page on SITE_URL (with its language prefix)."""
    with translation.override(page.locale.language_code):
        parts = page.get_url_parts()
    path = parts[2] if parts else page.url_path
    return f"{settings.SITE_URL}{path}"


@dataclass(frozen=True)
class RenderedMessage:
    """Subject and bodies in one language, links still as placeholders."""

    language: str
    subject: str
    text: str
    html: str

    def personalise(self, subscriber) -> tuple[str, str]:
        """(text, html) with this subscriber's own signed links."""
        preferences = tokens.preferences_url(subscriber, self.language)
        unsubscribe = tokens.unsubscribe_url(subscriber)
        text = self.text.replace(PREFERENCES_PLACEHOLDER, preferences).replace(
            UNSUBSCRIBE_PLACEHOLDER, unsubscribe
        )
        html = self.html.replace(PREFERENCES_PLACEHOLDER, preferences).replace(
            UNSUBSCRIBE_PLACEHOLDER, unsubscribe
        )
        return text, html


def _context(language: str, **extra) -> dict:
    return {
        "lang": language,
        "lang_tag": bcp47(language),
        "dir": text_direction(language),
        "preferences_url": PREFERENCES_PLACEHOLDER,
        "unsubscribe_url": UNSUBSCRIBE_PLACEHOLDER,
        "site_url": settings.SITE_URL,
        **extra,
    }


def render_alert(source, language: str, translations: dict | None = None) -> RenderedMessage:
    """The alert ``source`` as a ``language`` reader receives it.

    Uses the translation live in ``language`` (``translations`` maps language
    codes to live pages; looked up when omitted), else the source page; the
    email's own words (greeting, links) are always in the reader's language.
    """
    from advocacy.audience import live_translations

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
        earlier = page.follow_up_of
        follow_up_of = earlier.get_translation_or_none(page.locale) or earlier
    with translation.override(language):
        context = _context(
            language,
            alert=page,
            content_lang=content_language,
            content_lang_tag=bcp47(content_language),
            content_dir=text_direction(content_language),
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
    return RenderedMessage(language, subject, text, html)


def render_digest(language: str, alerts: list, guides: list) -> RenderedMessage:
    """A digest in ``language`` listing ``alerts`` and updated ``guides``
    (pages already localized where a live translation exists)."""
    with translation.override(language):
        context = _context(
            language,
            alerts=[
                (page, absolute_url(page), text_direction(page.locale.language_code))
                for page in alerts
            ],
            guides=[
                (page, absolute_url(page), text_direction(page.locale.language_code))
                for page in guides
            ],
        )
        subject = gettext("Faro: this week's alerts and guides")
        text = render_to_string("advocacy/email/digest.txt", context)
        html = render_to_string("advocacy/email/digest.html", context)
    return RenderedMessage(language, subject, text, html)


RECIPIENT_PLACEHOLDER = "recipient@faro-placeholder.invalid"
MESSAGE_ID_PLACEHOLDER = "faro-message-id@faro-placeholder.invalid"


class MessageTemplate:
    """A whole message in bytes, built once through ``build_email`` (so it
    carries exactly the headers every Faro email carries); for each
    subscriber only the recipient, the Message-ID and the signed links are
    replaced. Building MIME per message would cost more than sending it.

    ``usable`` is False when the encoder folded or encoded a placeholder
    (very long lines get quoted-printable); callers then build per message.
    """

    def __init__(self, rendered: RenderedMessage):
        from advocacy.mail import build_email
        from advocacy.models import Subscriber

        self.rendered = rendered
        stand_in = Subscriber(pk=0, language=rendered.language)
        stand_in.email = RECIPIENT_PLACEHOLDER
        message = build_email(
            stand_in,
            rendered.subject,
            rendered.text,
            rendered.html,
            message_id=f"<{MESSAGE_ID_PLACEHOLDER}>",
            to=RECIPIENT_PLACEHOLDER,
        )
        self.sender = message.from_email
        self.header_url = message.extra_headers["List-Unsubscribe"].strip("<>").encode()
        self.payload = message.message().as_bytes(linesep="\r\n")
        self.usable = all(
            marker in self.payload
            for marker in (
                RECIPIENT_PLACEHOLDER.encode(),
                MESSAGE_ID_PLACEHOLDER.encode(),
                self.header_url,
                UNSUBSCRIBE_PLACEHOLDER.encode(),
                PREFERENCES_PLACEHOLDER.encode(),
            )
        )

    def for_subscriber(self, subscriber, address: str, message_id: str) -> bytes:
        """The message for one subscriber (``message_id`` with angle brackets)."""
        unsubscribe = tokens.unsubscribe_url(subscriber).encode()
        preferences = tokens.preferences_url(subscriber, self.rendered.language).encode()
        return (
            self.payload.replace(RECIPIENT_PLACEHOLDER.encode(), address.encode())
            .replace(MESSAGE_ID_PLACEHOLDER.encode(), message_id.strip("<>").encode())
            .replace(self.header_url, unsubscribe)
            .replace(UNSUBSCRIBE_PLACEHOLDER.encode(), unsubscribe)
            .replace(PREFERENCES_PLACEHOLDER.encode(), preferences)
        )

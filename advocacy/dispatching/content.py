"""What each recipient of a dispatch reads.

A sender loop asks a dispatch's content for each subscriber's message:
``AlertContent`` renders an alert once per language; a digest's content
(``advocacy.digest.DigestContent``) chooses per subscriber. Both answer
``prepare(subscribers)`` once per chunk and ``message_for(subscriber)`` (a
``RenderedMessage``, or None when there is nothing to send).
"""

from __future__ import annotations

from advocacy.audience import live_translations
from advocacy.digest import DigestContent
from advocacy.models import AlertPage, Dispatch
from advocacy.rendering import RenderedMessage, render_alert
from advocacy.sms.texts import alert_text


def content_for(dispatch: Dispatch):
    """The message source of a dispatch: per language (alerts) or per subscriber (digests)."""
    if dispatch.kind == Dispatch.Kind.DIGEST:
        return DigestContent(dispatch)
    return AlertContent(dispatch.alert)


class AlertContent:
    """Renders an alert once per language for the life of one sender loop.

    The translation live in a language is looked up when that language is
    first needed, so a translation published mid-send is used by the loops
    that start after it.
    """

    def __init__(self, alert: AlertPage):
        self.alert = alert
        self.translations = live_translations(alert)
        self._rendered: dict[str, RenderedMessage] = {}
        self._texts: dict[str, tuple[str, str]] = {}

    def prepare(self, subscribers) -> None:
        """Nothing per chunk: alerts depend on the language alone."""

    def message_for(self, subscriber) -> RenderedMessage:
        """The alert in the subscriber's language (the source where no
        approved translation is live), rendered once per language."""
        language = subscriber.language
        if language not in self._rendered:
            self._rendered[language] = render_alert(self.alert, language, self.translations)
        return self._rendered[language]

    def text_for(self, subscriber) -> tuple[str, str]:
        """(text message, its language) for the subscriber: the translation
        live in their language (else the source), made once per language."""
        language = subscriber.language
        if language not in self._texts:
            page = self.translations.get(language) or self.alert.source_alert()
            self._texts[language] = (alert_text(page), page.locale.language_code)
        return self._texts[language]

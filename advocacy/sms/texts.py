"""The text message of an alert, one per translation.

``alert_text(page)`` is what a subscriber who chose text messages receives
for ``page`` (one translation, in its language): the editor's own
``sms_text`` when set, else "title: summary link", with the summary (and,
if it must, the title) cut at a word so the whole fits ``SMS_MAX_SEGMENTS``.
The link is never cut: it is the alert's short link on Faro's own domain
(``advocacy.sms.alert_links``), which names the alert and its language and
no person.
"""

from __future__ import annotations

from django.conf import settings

from advocacy.sms.alert_links import alert_link_url
from advocacy.sms.segments import GSM7, is_gsm7, measure

__all__ = ["alert_text", "default_text"]

# "…" is not in GSM 03.38: marking a cut with it would turn a GSM-7 text
# into UCS-2 and shrink every segment from 153 to 67 characters, so GSM-7
# texts are cut with "..." and only texts already in UCS-2 get "…".
ELLIPSIS = {GSM7: "...", "UCS-2": "…"}


def alert_text(page) -> str:
    """The text message for ``page``: its ``sms_text``, or the default text with its short link."""
    own = (page.sms_text or "").strip()
    if own:
        return own
    return default_text(page.title, page.summary, alert_link_url(page))


def default_text(title: str, summary: str, link: str, max_segments: int | None = None) -> str:
    """ "title: summary link", cut at a word (never in the link) to fit ``max_segments``.

    ``max_segments`` defaults to ``SMS_MAX_SEGMENTS``. The summary is cut
    first; only when the title and the link alone are too long is the title
    cut too (the link always stays whole).
    """
    limit = max_segments or settings.SMS_MAX_SEGMENTS
    title, summary = " ".join(title.split()), " ".join(summary.split())
    full = _join(title, summary, link)
    if measure(full).segments <= limit:
        return full
    ellipsis = ELLIPSIS[GSM7 if is_gsm7(full) else "UCS-2"]
    kept = _longest_fitting(summary, lambda part: _join(title, part, link), limit, ellipsis)
    if kept is not None:
        return kept
    return _longest_fitting(title, lambda part: _join(part, "", link), limit, ellipsis) or link


def _join(title: str, summary: str, link: str) -> str:
    head = f"{title}: {summary}" if title and summary else title or summary
    return f"{head} {link}" if head else link


def _longest_fitting(words_text: str, build, limit: int, ellipsis: str) -> str | None:
    """The text ``build`` makes from the most leading words of ``words_text``
    (marked cut with ``ellipsis``) that fits ``limit`` segments, or None."""
    words = words_text.split(" ")
    for count in range(len(words) - 1, 0, -1):
        candidate = build(" ".join(words[:count]).rstrip(",;:.") + ellipsis)
        if measure(candidate).segments <= limit:
            return candidate
    return None

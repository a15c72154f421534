"""The "this guide needs updating" notice: the open marks on one guide page.

A change to a statement marks every guide citing it (``know_your_rights.tracker``);
until the mark is cleared, the guide page, its wallet card and the card PDF
name the change in the reader's language and link to its public page. A
guide not yet translated is served as its source-language page, so it shows
that page's marks.

Imported by ``guides`` (and so by the page models): it imports models from
their own modules, never from the ``models`` package.
"""

from __future__ import annotations

from django.db.models import OuterRef, Subquery
from django.urls import reverse

from core.absolute_urls import absolute_url
from core.languages import bcp47, direction
from know_your_rights.models.policy import PolicyStatement
from know_your_rights.models.tracker import GuideUpdateMark


def open_update_notices(page_id: int, language: str) -> list[GuideUpdateMark]:
    """The open marks on the page `page_id`, newest change first, in ONE query.

    Each mark has its event and the event's (source-language) statement
    loaded, and carries what the notice shows in `language`:
    `notice_summary` (the statement's plain-language summary in `language`
    where a translation exists, else the source's), `notice_lang` and
    `notice_dir` (the summary's language when it is not `language`, else
    ""), `url` (the change's public page under `language`'s prefix) and
    `absolute_url` (the same on SITE_URL, for the printed card).
    The status label and effective date are read from `mark.event` when the
    template renders, so they follow the language it renders in.
    """
    local_summary = PolicyStatement.objects.filter(
        translation_key=OuterRef("event__statement__translation_key"),
        locale__language_code=language,
    ).values("summary")[:1]
    marks = list(
        GuideUpdateMark.objects.for_notices()
        .filter(page_id=page_id)
        .select_related("event__statement__locale")
        .annotate(local_summary=Subquery(local_summary))
    )
    for mark in marks:
        statement = mark.event.statement
        if mark.local_summary:
            mark.notice_summary, mark.notice_lang, mark.notice_dir = mark.local_summary, "", ""
        else:
            code = statement.locale.language_code
            mark.notice_summary = statement.summary
            mark.notice_lang = bcp47(code) if code != language else ""
            mark.notice_dir = direction(code) if code != language else ""
        mark.url = reverse("policy_change", args=[mark.event_id])
        mark.absolute_url = absolute_url(mark.url)
    return marks

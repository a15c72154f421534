"""Loading the memo's content (``know_your_rights.seed.memo``) into the site.

``load_memo_content`` writes the sources, statements and guides in English,
published as an administrative import (with each memo statement's first
version in the policy tracker), then their translations through
wagtail-localize (a TranslationSource per object, a StringTranslation per
segment, then ``save_target``), so translators can edit and sync them later
in the admin. The translated strings live in seed/translations/<language>.json,
keyed by the English string; they are machine-made, and stay marked "needs
review" until a person approves them.

The package's modules: ``report`` (what a run reports, how the seed marks
what it wrote), ``english`` and ``translations``; ``load_memo_content``
runs them. Callers import from here.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from wagtail.models import Locale

from know_your_rights.seeding.english import (
    load_english_pages,
    load_sources_and_statements,
    record_first_versions,
    seed_translates,
)
from know_your_rights.seeding.report import ADMINISTRATIVE_IMPORT, TOOL_NAME, SeedError, SeedReport
from know_your_rights.seeding.translations import english_strings, load_translations, translate


def load_memo_content(languages: list[str] | None = None) -> SeedReport:
    """Load the memo-derived sources, statements and guides, then translate them.

    Idempotent: a second run creates and changes nothing. Run on content an
    earlier version of the seed wrote, it brings that content up to the
    current seed (English first, then every translation, which then needs
    review again), except what a person has edited since (`report.kept`).
    `languages` limits the translations (default: all). Each object is
    committed on its own, so an interrupted run resumes cleanly.
    """
    report = SeedReport()
    with transaction.atomic():
        sources, statements = load_sources_and_statements(report)
        record_first_versions(report, sources, statements)
        pages = load_english_pages(report, statements)
    codes = languages or [code for code, _ in settings.LANGUAGES]
    for code in codes:
        if code == settings.LANGUAGE_CODE:
            continue
        locale = Locale.objects.get(language_code=code)
        strings = load_translations(code)
        # Sources, then statements: the guides' choosers then point at the
        # translated statements.
        for source in sources:
            translate(source, locale, strings, report)
        for statement in seed_translates(statements, report):
            translate(statement, locale, strings, report)
        for page in pages:
            translate(page, locale, strings, report)
    return report


__all__ = [
    "ADMINISTRATIVE_IMPORT",
    "TOOL_NAME",
    "SeedError",
    "SeedReport",
    "english_strings",
    "load_english_pages",
    "load_memo_content",
    "load_sources_and_statements",
    "load_translations",
    "record_first_versions",
    "translate",
]

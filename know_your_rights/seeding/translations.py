"""The translations: the seed's strings per language (seed/translations/),
written through wagtail-localize as machine translations that need review."""

from __future__ import annotations

import json

from django.db import transaction
from wagtail.log_actions import log
from wagtail.models import Locale, Page
from wagtail_localize.models import (
    StringSegment,
    StringTranslation,
    Translation,
    TranslationLog,
    TranslationSource,
)

from know_your_rights.seed import TRANSLATIONS_DIR
from know_your_rights.seed.memo import GUIDES, INDEX, SOURCES, STATEMENTS
from know_your_rights.seeding.report import ADMINISTRATIVE_IMPORT, TOOL_NAME, SeedError, SeedReport
from know_your_rights.terms import review_note


def load_translations(language_code: str) -> dict[str, str]:
    """The translated strings for one language, keyed by the English string."""
    path = TRANSLATIONS_DIR / f"{language_code}.json"
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


def english_strings() -> list[str]:
    """Every English string a translator must provide, in a stable order."""
    strings: list[str] = [INDEX["title"], INDEX["intro"]]
    for source in SOURCES:
        strings += [source["title"], source["issuer"], source["text_attribution"]]
    for statement in STATEMENTS:
        strings += [statement["attribution"], statement["summary"]]
        if statement.get("named_contact"):
            strings.append(statement["named_contact"])
    for guide in GUIDES:
        strings += [guide["title"], guide["situation"], guide["summary"]]
        for block_type, value in guide["body"]:
            if block_type == "right":
                strings += [value[k] for k in ("right", "say", "avoid") if value[k]]
            elif block_type == "callout":
                strings += [
                    value["heading"],
                    value["text"].removeprefix("<p>").removesuffix("</p>"),
                ]
            elif block_type == "steps":
                strings += [value["heading"], *value["steps"]]
    return list(dict.fromkeys(strings))


def translate(obj, locale: Locale, strings: dict[str, str], report: SeedReport) -> None:
    """Create or bring up to date `obj`'s translation into `locale` through wagtail-localize.

    Every string segment gets a machine-type StringTranslation whose note (the
    "Translated with …" line translators see beside each segment in the
    translation editor) names the term-base renderings the segment needs and
    the modality rule. A seeded StringTranslation whose text changed in the
    seed is replaced; one a translator wrote is kept. The translation is
    saved again only when its source or one of its strings changed, so a
    second run writes nothing; each save makes it "needs review" again.
    """
    # wagtail-localize publishes a translated page on commit; committing each
    # translation on its own lets that happen before the next child page is
    # added (a publish after that would write back a stale child count).
    with transaction.atomic():
        source, _created = TranslationSource.update_or_create_from_instance(obj)
        exists = obj.has_translation(locale)
        changed = _write_string_translations(source, locale, strings, report)
        behind = (
            exists
            and not TranslationLog.objects.filter(
                source=source, locale=locale, created_at__gte=source.last_updated_at
            ).exists()
        )
        if exists and not changed and not behind:
            return
        translation, _created = Translation.objects.get_or_create(
            source=source, target_locale=locale
        )
        translation.save_target(publish=True)
    target = obj.get_translation(locale)
    if isinstance(target, Page):
        log(
            instance=target,
            action=ADMINISTRATIVE_IMPORT,
            data={"command": "load_memo_content"},
            revision=target.latest_revision,
        )
    (report.updated if exists else report.created).append(f"{locale.language_code} {obj}")


def _is_seeded(string_translation) -> bool:
    return string_translation.translation_type == StringTranslation.TRANSLATION_TYPE_MACHINE and (
        string_translation.tool_name.startswith(TOOL_NAME)
    )


def _write_string_translations(source, locale: Locale, strings: dict[str, str], report) -> bool:
    """One StringTranslation per segment of `source`; True if any text was written."""
    changed = False
    code = locale.language_code
    for segment in StringSegment.objects.filter(source=source).select_related("string", "context"):
        text = segment.string.data
        if text not in strings:
            raise SeedError(
                f"No {code} translation for {text!r} (add it to {TRANSLATIONS_DIR / (code + '.json')})"
            )
        note = f"{TOOL_NAME}. {review_note(code, text)}"[:255]
        existing = StringTranslation.objects.filter(
            translation_of=segment.string, locale=locale, context=segment.context
        ).first()
        if existing is None:
            StringTranslation.objects.create(
                translation_of=segment.string,
                locale=locale,
                context=segment.context,
                data=strings[text],
                translation_type=StringTranslation.TRANSLATION_TYPE_MACHINE,
                tool_name=note,
            )
            changed = True
        elif not _is_seeded(existing):
            if existing.data != strings[text]:
                report.kept.append(f"{code} string {text[:40]!r}")
        elif existing.data != strings[text] or existing.tool_name != note:
            changed = changed or existing.data != strings[text]
            existing.data = strings[text]
            existing.tool_name = note
            existing.save(update_fields=["data", "tool_name", "updated_at"])
    return changed

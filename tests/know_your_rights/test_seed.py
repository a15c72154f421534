"""load_memo_content: what it creates, that a second run changes nothing, and that a
run on content an earlier seed wrote brings it up to date (needing review again)."""

from __future__ import annotations

import json
from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.core.management import call_command
from django.utils import translation
from wagtail.models import Locale, Page, PageLogEntry, Revision
from wagtail_localize.models import StringTranslation, Translation, TranslationSource

from know_your_rights.models import (
    GuideIndexPage,
    GuidePage,
    GuideUpdateMark,
    PolicyEvent,
    PolicySource,
    PolicyStatement,
    TranslationApproval,
)
from know_your_rights.review import approve, needs_review, needs_review_map
from know_your_rights.seed import SEED_DIR, TRANSLATIONS_DIR
from know_your_rights.seed.memo import (
    ARTICLE_TITLE,
    EARLIER_SEED_SUMMARIES,
    GUIDES,
    MEMO_TITLE,
    NAMES_KEPT_AS_IS,
    STATEMENTS,
)
from know_your_rights.seeding import (
    TOOL_NAME,
    english_strings,
    load_memo_content,
    load_translations,
)

LANGUAGES = [code for code, _ in settings.LANGUAGES]
GUIDE_SLUGS = {guide["slug"] for guide in GUIDES}


def _counts() -> dict[str, int]:
    models = [
        Page,
        Revision,
        PageLogEntry,
        PolicySource,
        PolicyStatement,
        PolicyEvent,
        TranslationSource,
        Translation,
        StringTranslation,
    ]
    return {model.__name__: model.objects.count() for model in models}


def test_second_run_creates_and_changes_nothing(seeded):
    before = _counts()
    last_revision = Revision.objects.order_by("-pk").values_list("pk", flat=True).first()
    report = load_memo_content()
    assert report.created == []
    assert _counts() == before
    assert Revision.objects.order_by("-pk").values_list("pk", flat=True).first() == last_revision


def test_command_says_nothing_changed_on_a_second_run(seeded, capsys):
    call_command("load_memo_content")
    assert "nothing changed" in capsys.readouterr().out


def test_four_guides_in_every_language_with_the_same_slugs(seeded):
    for code in LANGUAGES:
        index = GuideIndexPage.objects.get(locale__language_code=code)
        assert index.slug == "guides" and index.live
        slugs = set(GuidePage.objects.child_of(index).live().values_list("slug", flat=True))
        assert slugs == GUIDE_SLUGS, code
    assert len(GUIDE_SLUGS) >= 4


def test_memo_source_records_only_the_year(seeded):
    memo = PolicySource.objects.get(issuer="NYPD Police Commissioner")
    assert (memo.date_year, memo.date_month, memo.date_day) == (2017, None, None)
    with translation.override("en"):
        assert memo.date_display == "2017 (day not given)"
    assert "Patch" in memo.text_attribution
    assert "IDNYC as a valid and recognized form" in memo.full_text
    memo_file = (SEED_DIR / "nypd_memo_2017.txt").read_text(encoding="utf-8")
    assert "Patch article" in memo_file.splitlines()[1]


def test_article_claims_are_reported_facts_not_policy(seeded):
    english = Locale.get_default()
    reported = PolicyStatement.objects.filter(locale=english, kind=PolicyStatement.Kind.REPORTED)
    assert set(reported.values_list("key", flat=True)) == {
        "fingerprints-shared",
        "broken-windows-risk",
        "ice-raids-anywhere",
    }
    for statement in reported:
        assert statement.source.issuer == "Patch"
        assert "not NYPD policy" in statement.attribution
    policy = PolicyStatement.objects.filter(locale=english, kind=PolicyStatement.Kind.POLICY)
    assert policy.count() == 5
    assert {s.attribution for s in policy} == {
        "NYPD policy as stated in the Police Commissioner's 2017 memo"
    }


def test_no_seeded_statement_is_verified(seeded):
    assert PolicyStatement.objects.count() == 8 * len(LANGUAGES)
    assert not PolicyStatement.objects.filter(last_verified__isnull=False).exists()
    assert not PolicyEvent.objects.filter(kind=PolicyEvent.Kind.VERIFICATION).exists()


def test_each_memo_statement_has_its_first_version_and_each_source_its_kind(seeded):
    english = Locale.get_default()
    memo = PolicySource.objects.get(title=MEMO_TITLE, locale=english)
    article = PolicySource.objects.get(title=ARTICLE_TITLE, locale=english)
    kinds = dict(
        PolicySource.objects.filter(
            translation_key__in=[memo.translation_key, article.translation_key]
        )
        .values_list("translation_key", "kind")
        .distinct()
    )
    assert kinds == {memo.translation_key: "memo", article.translation_key: "news_report"}
    memo_statements = PolicyStatement.objects.filter(locale=english, source=memo)
    assert memo_statements.count() == 5
    events = PolicyEvent.objects.filter(statement__in=memo_statements)
    assert {event.statement_id for event in events} == {s.pk for s in memo_statements}
    for event in events.select_related("statement"):
        assert (event.kind, event.sequence, event.source_id) == ("first_version", 1, memo.pk)
        assert (event.effective_year, event.effective_month, event.effective_day) == (
            2017,
            None,
            None,
        )
        assert (event.status, event.quote) == ("in_force", event.statement.quote)
        assert event.checked_on is None and event.recorded_by is None
    with translation.override("en"):
        assert events.first().effective_display == "2017 (day not given)"
    # The article's reported facts are not policy with a version history.
    assert not PolicyEvent.objects.filter(statement__source=article).exists()
    assert not GuideUpdateMark.objects.exists()


def test_translations_are_made_through_wagtail_localize_as_machine_translations(seeded):
    english_guide = GuidePage.objects.get(locale=Locale.get_default(), slug="your-idnyc")
    source = TranslationSource.objects.get(object_id=english_guide.translation_key)
    translations = Translation.objects.filter(source=source)
    assert {t.target_locale.language_code for t in translations} == set(LANGUAGES) - {"en"}
    bn = Locale.objects.get(language_code="bn")
    strings = StringTranslation.objects.filter(
        locale=bn, context__object_id=english_guide.translation_key
    )
    assert strings.exists()
    assert set(strings.values_list("translation_type", flat=True)) == {"machine"}
    bn_guide = english_guide.get_translation(bn)
    assert (
        bn_guide.title == json.loads((TRANSLATIONS_DIR / "bn.json").read_text())["Your IDNYC card"]
    )


def test_page_history_says_administrative_import(seeded):
    for page in GuidePage.objects.filter(locale__language_code__in=["en", "ar"]):
        actions = set(PageLogEntry.objects.filter(page=page).values_list("action", flat=True))
        assert "know_your_rights.administrative_import" in actions
        assert "wagtail.publish" in actions
        assert page.current_workflow_state is None


@pytest.mark.parametrize("code", [c for c in LANGUAGES if c != "en"])
def test_every_translation_file_covers_every_string(code):
    strings = json.loads((TRANSLATIONS_DIR / f"{code}.json").read_text(encoding="utf-8"))
    expected = english_strings()
    assert sorted(strings) == sorted(expected)
    assert all(
        value.strip() and (value != key or key in NAMES_KEPT_AS_IS)
        for key, value in strings.items()
    )


# The Spanish the first version of the seed gave the detainer statement.
EARLIER_SPANISH_DETAINERS = (
    "El NYPD retiene a una persona para las autoridades federales de inmigración solo en pocos "
    "casos. Un juez debe haber firmado una orden. La persona debe haber sido condenada por un "
    "delito grave o violento, o estar en la lista de vigilancia de terroristas."
)


def _as_an_earlier_seed_wrote_it(english: PolicyStatement, spanish_text: str) -> PolicyStatement:
    """Put back the English and Spanish an earlier version of the seed wrote, the way it did."""
    spanish_locale = Locale.objects.get(language_code="es")
    english.summary = EARLIER_SEED_SUMMARIES[english.key][0]
    english.save()
    source, _created = TranslationSource.update_or_create_from_instance(english)
    for segment in source.stringsegment_set.select_related("string", "context"):
        if segment.string.data == english.summary:
            StringTranslation.objects.update_or_create(
                translation_of=segment.string,
                locale=spanish_locale,
                context=segment.context,
                defaults={
                    "data": spanish_text,
                    "translation_type": StringTranslation.TRANSLATION_TYPE_MACHINE,
                    "tool_name": TOOL_NAME,
                },
            )
    Translation.objects.get(source=source, target_locale=spanish_locale).save_target()
    return english.get_translation(spanish_locale)


def test_a_rerun_brings_earlier_seeded_text_up_to_date_and_it_needs_review_again(
    seeded, admin_user
):
    english = PolicyStatement.objects.get(key="detainers-narrow", locale=Locale.get_default())
    spanish = _as_an_earlier_seed_wrote_it(english, EARLIER_SPANISH_DETAINERS)
    assert spanish.summary == EARLIER_SPANISH_DETAINERS
    approve(spanish, admin_user)
    assert not needs_review(spanish)

    report = load_memo_content(["es"])

    english.refresh_from_db()
    spanish.refresh_from_db()
    current = next(s for s in STATEMENTS if s["key"] == "detainers-narrow")["summary"]
    assert english.summary == current
    assert spanish.summary == load_translations("es")[current]
    assert "solicitudes de retención" in spanish.summary
    assert needs_review(spanish)
    assert "statement detainers-narrow" in report.updated
    assert any(item.startswith("es ") for item in report.updated)
    assert load_memo_content(["es"]).changed is False


def test_sources_seeded_before_kinds_existed_become_a_memo_and_a_news_report(seeded):
    article = PolicySource.objects.get(title=ARTICLE_TITLE, locale=Locale.get_default())
    article_everywhere = PolicySource.objects.filter(translation_key=article.translation_key)
    article_everywhere.update(kind="memo")  # what migration 0006 gave every source
    migration = import_module("know_your_rights.migrations.0008_policy_source_kinds")
    migration.article_is_a_news_report(django_apps, None)
    assert set(article_everywhere.values_list("kind", flat=True)) == {"news_report"}

    article_everywhere.update(kind="memo")
    report = load_memo_content(["es"])
    assert f"source {ARTICLE_TITLE}" in report.updated
    assert set(article_everywhere.values_list("kind", flat=True)) == {"news_report"}
    memo = PolicySource.objects.get(title=MEMO_TITLE, locale=Locale.get_default())
    assert memo.kind == "memo"


def test_a_rerun_keeps_a_statement_a_person_has_edited(seeded):
    english = PolicyStatement.objects.get(key="detainer-review", locale=Locale.get_default())
    english.summary = "An editor's own wording."
    english.save()
    report = load_memo_content(["es"])
    english.refresh_from_db()
    assert english.summary == "An editor's own wording."
    assert "statement detainer-review" in report.kept


def test_the_seed_approves_nothing(seeded):
    assert not TranslationApproval.objects.exists()
    for model in (PolicySource, PolicyStatement, GuidePage):
        translated = model.objects.exclude(locale=Locale.get_default())
        assert translated.exists()
        assert all(needs_review_map(translated).values()), model


def test_sources_are_translated_with_the_seeded_text_and_keep_their_own_words(seeded):
    english = PolicySource.objects.get(issuer="NYPD Police Commissioner")
    for code in LANGUAGES:
        if code == "en":
            continue
        translated = english.get_translation(Locale.objects.get(language_code=code))
        strings = load_translations(code)
        assert translated.title == strings[english.title]
        assert translated.text_attribution == strings[english.text_attribution]
        assert translated.full_text == english.full_text
        assert (translated.date_year, translated.date_month) == (2017, None)

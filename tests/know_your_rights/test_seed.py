"""load_memo_content: what it creates, that a second run changes nothing."""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation
from wagtail.models import Locale, Page, PageLogEntry, Revision
from wagtail_localize.models import StringTranslation, Translation, TranslationSource

from know_your_rights.memo_content import (
    GUIDES,
    NAMES_KEPT_AS_IS,
    SEED_DIR,
    TRANSLATIONS_DIR,
    english_strings,
    load_memo_content,
)
from know_your_rights.models import GuideIndexPage, GuidePage, PolicySource, PolicyStatement

LANGUAGES = [code for code, _ in settings.LANGUAGES]
GUIDE_SLUGS = {guide["slug"] for guide in GUIDES}


def _counts() -> dict[str, int]:
    models = [
        Page,
        Revision,
        PageLogEntry,
        PolicySource,
        PolicyStatement,
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

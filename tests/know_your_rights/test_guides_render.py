"""Every seeded guide, in every language: lang/dir, sources, notices, the Legal Bureau line."""

from __future__ import annotations

import gzip
import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext
from wagtail.models import Locale

from know_your_rights.models import GuideIndexPage, GuidePage

# Every test here needs the database: pytest-django then runs them with the
# other database tests, before any transactional test empties the tables
# (and with them the session's seeded content).
pytestmark = pytest.mark.django_db

LANGUAGES = [code for code, _ in settings.LANGUAGES]
TAGS = {"zh-hans": "zh-Hans", "zh-hant": "zh-Hant"}
SLUGS = ["asking-the-police-for-help", "your-idnyc", "nypd-and-ice", "if-you-are-arrested"]
LEGAL_BUREAU = "646-610-5400"


def _html(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


@pytest.fixture(scope="module")
def rendered(memo_content, django_db_blocker):
    """Every guide page in every language, rendered once for this module."""
    from django.test import Client

    client = Client()
    pages = {}
    with django_db_blocker.unblock():
        for code in LANGUAGES:
            for slug in SLUGS:
                pages[code, slug] = _html(client, f"/{code}/guides/{slug}/")
    return pages


@pytest.mark.parametrize("code", LANGUAGES)
def test_every_guide_renders_in_its_language_with_sources_and_notices(rendered, code):
    rtl = code in ("ar", "ur")
    for slug in SLUGS:
        html = rendered[code, slug]
        assert f'<html lang="{TAGS.get(code, code)}" dir="{"rtl" if rtl else "ltr"}">' in html
        assert "notice-fallback" not in html, "served the translation, not the English page"
        assert 'id="sources-heading"' in html
        # Each source's title in the reader's language (the seed translates them).
        assert f'<cite lang="{TAGS.get(code, code)}" dir="{"rtl" if rtl else "ltr"}">' in html
        assert "notice-legal" in html
        # No seeded statement was ever verified: the banner shows everywhere.
        assert "notice-banner" in html
        assert "notice-stale" in html
        assert ("notice-review" in html) is (code != "en")
        assert "notice-behind" not in html
        # The memo gives a year only: the sources list says so in the reader's language.
        assert as_of_2017(code) in html, as_of_2017(code)


def as_of_2017(code: str) -> str:
    """The sources list's "as of 2017 (day not given)", as `code`'s catalog words it."""
    with translation.override(code):
        as_of = gettext("%(year)s (day not given)") % {"year": 2017}
        return gettext("as of %(as_of)s") % {"as_of": escape(as_of)}


def test_the_as_of_wording_is_translated_in_every_language():
    english = as_of_2017("en")
    assert english == "as of 2017 (day not given)"
    untranslated = [code for code in LANGUAGES if code != "en" and as_of_2017(code) == english]
    assert untranslated == []


def test_translated_guides_carry_translated_text(rendered, seeded):
    for code in LANGUAGES:
        guide = GuidePage.objects.get(locale__language_code=code, slug="your-idnyc")
        html = rendered[code, "your-idnyc"]
        assert f"<h1>{escape(guide.title)}</h1>" in html
        assert (guide.title == "Your IDNYC card") is (code == "en")


def test_reported_facts_are_labelled_as_reports(rendered):
    html = rendered["en", "if-you-are-arrested"]
    assert "As reported by Patch, quoting a letter from El Grito. This is not NYPD policy." in html
    assert "a news report, not a policy" in html
    assert "NYPD policy as stated in the Police Commissioner&#x27;s 2017 memo" in html


def _statement_blocks(html: str) -> list[str]:
    return re.findall(
        r"<aside class=\"statement[^\"]*\" id=\"statement-[^\"]+\".*?</aside>", html, re.S
    )


def test_legal_bureau_number_appears_only_beside_its_statement(rendered):
    for (code, slug), html in rendered.items():
        total = html.count(LEGAL_BUREAU)
        beside = [
            block for block in _statement_blocks(html) if 'id="statement-detainer-review"' in block
        ]
        inside = sum(block.count(LEGAL_BUREAU) for block in beside)
        assert total == inside, (code, slug)
        if slug == "nypd-and-ice":
            assert inside >= 1, code
            # Never offered as a line to call: no tel: link anywhere near it.
            assert f"tel:{LEGAL_BUREAU}" not in html
            assert "statement-contact" in beside[0]
        else:
            assert total == 0, (code, slug)


def test_english_legal_bureau_line_is_described_as_for_officers(rendered):
    block = next(
        b for b in _statement_blocks(rendered["en", "nypd-and-ice"]) if "detainer-review" in b
    )
    assert "for NYPD officers with questions about immigration detainers" in block
    assert "not a help line for the public" in block


@pytest.mark.parametrize("code", LANGUAGES)
def test_guide_index_lists_the_four_guides(seeded, client, code):
    html = _html(client, f"/{code}/guides/")
    index = GuideIndexPage.objects.get(locale__language_code=code)
    for guide in GuidePage.objects.child_of(index):
        assert f'href="{guide.url}"' in html
        assert escape(guide.title) in html
    assert ("notice-review" in html) is (code != "en")


def test_bengali_index_has_four_guides_marked_needs_review(seeded, client):
    html = _html(client, "/bn/guides/")
    listing = re.search(r'<ul class="guide-list">(.*?)</ul>', html, re.S).group(1)
    assert listing.count('<li><a href="/bn/guides/') == 4
    assert "notice-review" in html


def test_untranslated_guide_is_served_in_english_marked_as_such(seeded, client):
    index = GuideIndexPage.objects.get(locale=Locale.get_default())
    guide = GuidePage(
        title="Only in English",
        slug="only-in-english",
        situation="A new situation.",
        summary="Not translated yet.",
        body=[],
    )
    index.add_child(instance=guide)
    guide.save_revision().publish()
    html = _html(client, "/ar/guides/only-in-english/")
    assert '<html lang="ar" dir="rtl">' in html
    assert "notice-fallback" in html
    assert '<article class="guide" lang="en" dir="ltr">' in html
    assert '<meta name="robots" content="noindex">' in html


def test_guide_page_weight_is_small(rendered):
    html = rendered["bn", "nypd-and-ice"].encode()
    css = [finders.find(p) for p in ("cms/faro.css", "know_your_rights/guides.css")]
    total = len(gzip.compress(html)) + sum(len(gzip.compress(open(p, "rb").read())) for p in css)
    assert total < 50 * 1024


def test_a_statement_cited_twice_is_shown_once_and_referenced_once(rendered):
    html = rendered["en", "nypd-and-ice"]
    assert html.count('id="statement-no-civil-enforcement"') == 1
    reference = re.search(r'<aside class="statement statement-ref[^"]*".*?</aside>', html, re.S)
    assert reference and 'href="#statement-no-civil-enforcement"' in reference.group()
    # The reference still carries the out-of-date notice where it is cited.
    assert "never been checked" in reference.group()
    for page in rendered.values():
        ids = re.findall(r'\sid="([^"]+)"', page)
        assert len(ids) == len(set(ids))


def test_public_templates_have_no_inline_script_or_style(rendered):
    for html in rendered.values():
        assert "style=" not in html
        assert "<style" not in html
        assert re.search(r"<script(?![^>]*\bsrc=)", html) is None

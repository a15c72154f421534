"""The public side of the policy tracker: the "needs update" notice on a guide,
its wallet card and the card PDF, in the reader's language; the tracker page,
a statement's timeline, a change's page and the Atom feed of changes, per
language; 404s in the path's language; English where nothing is translated.

Events and marks are written directly (the rules that write them are tested
in test_tracker_recording); the sources are plainly test data.
"""

from __future__ import annotations

import datetime
import re
import subprocess
import unicodedata
import xml.etree.ElementTree as ET

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape

from know_your_rights.dates import format_partial_date
from know_your_rights.models import GuideUpdateMark, PolicyEvent, PolicyStatement
from know_your_rights.seed import memo
from know_your_rights.tracker.recording import record_change
from tests.factories.know_your_rights import (
    PolicySourceFactory,
    body_citing,
    make_guide,
    make_statement,
    translate_guide,
)
from tests.factories.site import locale

ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
SUMMARY = {
    "en": "Test summary: officers do not ask about status.",
    "es": "Resumen de prueba: los agentes no preguntan por el estatus.",
    "ar": "ملخص تجريبي: لا يسأل الضباط عن الوضع.",
}
# Django's own catalogs for the status labels (model choices).
RESCINDED = {"en": "Rescinded", "es": "Anulada", "ar": "أُلغيت"}
NOTE = "Test data: the test ruling rescinds this statement."


def _translate(statement: PolicyStatement, code: str, summary: str) -> PolicyStatement:
    translated = statement.copy_for_translation(locale(code))
    translated.summary = summary
    translated.save()
    return translated


@pytest.fixture
def tracked(site_tree):
    """A statement (English, Spanish, Arabic) cited by a guide in English and
    Arabic, its first version on the test memo, and a change recorded on a
    test ruling (effective March 2026, day not given) that marked both pages."""
    memo = PolicySourceFactory(title="Test memo")
    ruling = PolicySourceFactory(
        title="Test ruling 2026", kind="ruling", date_year=2026, date_month=3, date_day=2
    )
    statement = make_statement("test-status-question", summary=SUMMARY["en"], source=memo)
    spanish = _translate(statement, "es", SUMMARY["es"])
    arabic = _translate(statement, "ar", SUMMARY["ar"])
    guide = make_guide("test-stops", title="Test stops", body=body_citing([statement]))
    arabic_guide = translate_guide(guide, "ar", "دليل التوقيف التجريبي")
    first = PolicyEvent.objects.create(
        statement=statement,
        sequence=1,
        kind=PolicyEvent.Kind.FIRST_VERSION,
        status="in_force",
        quote=statement.quote,
        source=memo,
        effective_year=2017,
    )
    change = PolicyEvent.objects.create(
        statement=statement,
        sequence=2,
        kind=PolicyEvent.Kind.CHANGE,
        status="rescinded",
        previous_status="in_force",
        quote="Test words after the change.",
        previous_quote=statement.quote,
        note=NOTE,
        source=ruling,
        effective_year=2026,
        effective_month=3,
    )
    # What recording the change does to the statement itself.
    statement.status, statement.status_note = "rescinded", NOTE
    statement.quote = change.quote
    statement.save()
    marks = [
        GuideUpdateMark.objects.create(event=change, page=page, locale=page.locale)
        for page in (guide, arabic_guide)
    ]
    return {
        "statement": statement,
        "spanish": spanish,
        "arabic": arabic,
        "guide": guide,
        "arabic_guide": arabic_guide,
        "first": first,
        "change": change,
        "marks": marks,
        "ruling": ruling,
    }


def _html(client, path: str, status: int = 200) -> str:
    response = client.get(path)
    assert response.status_code == status, (path, response.status_code)
    return response.content.decode()


def _notice(html: str) -> str:
    found = re.search(r'<section class="notice notice-update".*?</section>', html, re.S)
    assert found, "no update notice on the page"
    return found.group()


def _pdf_text(client, path: str, tmp_path) -> str:
    response = client.get(path)
    assert response.status_code == 200
    pdf = tmp_path / "card.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", pdf, "-"], capture_output=True, text=True, check=True
    ).stdout
    return _comparable(text)


def _comparable(text: str) -> str:
    """`text` as pdftotext's Arabic can be compared: it wraps right-to-left
    runs in bidi controls (format characters), writes presentation forms and
    places short vowels (combining marks) anywhere; keep the letters."""
    text = unicodedata.normalize("NFKC", " ".join(text.split()))
    return "".join(char for char in text if unicodedata.category(char) not in ("Cf", "Mn"))


def test_guide_shows_the_notice_in_arabic(client, tracked):
    html = _html(client, "/ar/guides/test-stops/")
    assert '<html lang="ar" dir="rtl">' in html
    notice = _notice(html)
    assert SUMMARY["ar"] in notice
    assert RESCINDED["ar"] in notice
    assert escape(format_partial_date(2026, 3, None, "ar")) in notice
    assert f'href="/ar/policy/changes/{tracked["change"].pk}/"' in notice
    # The notice's text is the reader's, not marked as another language.
    assert 'lang="en"' not in notice


def test_card_page_and_pdf_show_the_notice_in_arabic(client, tracked, tmp_path):
    card = _html(client, "/ar/guides/test-stops/card/")
    assert SUMMARY["ar"] in card and RESCINDED["ar"] in card
    assert f'href="/ar/policy/changes/{tracked["change"].pk}/"' in card

    text = _pdf_text(client, "/ar/guides/test-stops/card/pdf/", tmp_path)
    change_url = f"{settings.SITE_URL}/ar/policy/changes/{tracked['change'].pk}/"
    assert change_url in text
    # Punctuation moves about in right-to-left runs: compare the words. Poppler
    # writes the lam-alef ligature as alef, lam: words with it are left out.
    words = re.findall(r"\w+", _comparable(SUMMARY["ar"]))
    for word in [word for word in words if not re.search("ل[اأإآ]", word)]:
        assert word in text, (word, text)
    assert _comparable(RESCINDED["ar"]) in text


def test_the_notice_names_the_change_in_spanish_on_an_untranslated_guide(client, tracked):
    # No Spanish guide: the English page is served under /es/ (with its marks),
    # its text marked English; the notice is in Spanish.
    html = _html(client, "/es/guides/test-stops/")
    notice = _notice(html)
    assert 'lang="es"' in notice.split(">", 1)[0]
    assert SUMMARY["es"] in notice and RESCINDED["es"] in notice
    assert f'href="/es/policy/changes/{tracked["change"].pk}/"' in notice


def test_the_notice_disappears_when_the_mark_is_cleared(client, tracked, tmp_path):
    assert SUMMARY["ar"] in _notice(_html(client, "/ar/guides/test-stops/"))
    assert "notice-update" in _html(client, "/en/guides/test-stops/")  # now cached
    for mark in tracked["marks"]:
        mark.cleared_at = timezone.now()
        mark.save()
    for path in ("/ar/guides/test-stops/", "/ar/guides/test-stops/card/", "/en/guides/test-stops/"):
        html = _html(client, path)
        assert "notice-update" not in html and "card-update" not in html, path
        assert SUMMARY["ar"] not in html
    text = _pdf_text(client, "/ar/guides/test-stops/card/pdf/", tmp_path)
    assert "/policy/changes/" not in text


def test_guide_sources_link_the_tracker(client, tracked):
    html = _html(client, "/ar/guides/test-stops/")
    sources = html[html.index('<section class="sources"') :]
    assert 'href="/ar/policy/"' in sources


@pytest.mark.parametrize("code", ["es", "ar"])
def test_tracker_page_lists_statements_status_timeline_and_guides(client, tracked, code):
    html = _html(client, f"/{code}/policy/")
    assert f'<html lang="{code}" dir="{"rtl" if code == "ar" else "ltr"}">' in html
    entry = html[html.index('id="test-status-question"') :]
    assert SUMMARY[code] in entry
    status = re.search(r'<p class="policy-status[^"]*">(.*?)</p>', entry, re.S).group(1)
    assert RESCINDED[code] in status
    timeline = entry[entry.index('<ol class="timeline">') : entry.index("</ol>")]
    first, change = tracked["first"], tracked["change"]
    assert timeline.index(f"/{code}/policy/changes/{first.pk}/") < timeline.index(
        f"/{code}/policy/changes/{change.pk}/"
    )
    assert "Test ruling 2026" in timeline and "Test memo" in timeline
    assert RESCINDED[code] in timeline
    assert escape(format_partial_date(2026, 3, None, code)) in timeline
    assert NOTE in timeline
    guides = entry[entry.index('<ul class="policy-guides">') :]
    if code == "ar":
        assert 'href="/ar/guides/test-stops/">دليل التوقيف التجريبي</a>' in guides
    else:
        # Not translated: the English guide, under the reader's prefix, marked English.
        assert 'href="/es/guides/test-stops/" lang="en" dir="ltr">Test stops</a>' in guides
    assert f'href="/{code}/policy/feed/"' in html


@pytest.mark.parametrize("code", ["es", "ar"])
def test_statement_page_shows_its_timeline(client, tracked, code):
    html = _html(client, f"/{code}/policy/test-status-question/")
    assert f"<h1>{SUMMARY[code]}</h1>" in html
    assert tracked["statement"].quote in html
    assert html.count('<li class="timeline-event') == 2
    assert (
        f'<link rel="canonical" href="{settings.SITE_URL}/{code}/policy/test-status-question/">'
        in html
    )
    assert f'hreflang="en" href="{settings.SITE_URL}/en/policy/test-status-question/"' in html


@pytest.mark.parametrize("code", ["es", "ar"])
def test_change_page_shows_before_after_source_dates_and_guides(client, tracked, code):
    change = tracked["change"]
    html = _html(client, f"/{code}/policy/changes/{change.pk}/")
    assert SUMMARY[code] in html
    assert change.previous_quote in html and "Test words after the change." in html
    assert RESCINDED[code] in html
    assert "Test ruling 2026" in html
    with_language = {"language": code}
    # The source's date to the day, the effective date to the month, as recorded.
    assert escape(format_partial_date(2026, 3, 2, **with_language)) in html
    assert escape(format_partial_date(2026, 3, None, **with_language)) in html
    assert NOTE in html
    guides = html[html.index("policy-guides") :]
    if code == "ar":
        assert "دليل التوقيف التجريبي" in guides and "Test stops" not in guides
    else:
        assert 'lang="en" dir="ltr">Test stops</a>' in guides


def test_a_correction_and_what_it_corrects_link_each_other(client, tracked):
    change = tracked["change"]
    correction = PolicyEvent.objects.create(
        statement=tracked["statement"],
        sequence=3,
        kind=PolicyEvent.Kind.CORRECTION,
        corrects=change,
        status="changed",
        previous_status="rescinded",
        quote="Test words after the change.",
        previous_quote="Test words after the change.",
        note="Test data: changed, not rescinded.",
        source=tracked["ruling"],
        effective_year=2026,
        effective_month=3,
    )
    original = _html(client, f"/es/policy/changes/{change.pk}/")
    assert f'href="/es/policy/changes/{correction.pk}/"' in original
    corrected = _html(client, f"/es/policy/changes/{correction.pk}/")
    assert f'href="/es/policy/changes/{change.pk}/"' in corrected


@pytest.mark.parametrize("code", ["es", "ar"])
def test_feed_has_one_entry_per_change_in_the_language(client, tracked, code):
    PolicyEvent.objects.create(
        statement=tracked["statement"],
        sequence=3,
        kind=PolicyEvent.Kind.VERIFICATION,
        status="rescinded",
        source=tracked["ruling"],
        checked_on=datetime.date(2026, 4, 1),
    )
    response = client.get(f"/{code}/policy/feed/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    assert feed.get(XML_LANG) == code
    entries = feed.findall(f"{ATOM}entry")
    # The change only: neither the first version nor the verification.
    assert len(entries) == 1
    (entry,) = entries
    assert SUMMARY[code] in entry.find(f"{ATOM}title").text
    assert RESCINDED[code] in entry.find(f"{ATOM}title").text
    link = entry.find(f"{ATOM}link").get("href")
    assert link == f"{settings.SITE_URL}/{code}/policy/changes/{tracked['change'].pk}/"
    assert "Test ruling 2026" in entry.find(f"{ATOM}summary").text


@pytest.mark.parametrize(
    ("code", "path", "heading"),
    [
        ("es", "/es/policy/no-such-statement/", "Página no encontrada"),
        ("ar", "/ar/policy/changes/999999/", "الصفحة غير موجودة"),
    ],
)
def test_unknown_statement_or_change_is_404_in_the_path_language(
    client, tracked, code, path, heading
):
    html = _html(client, path, status=404)
    assert f'<html lang="{code}"' in html
    assert heading in html


def test_untranslated_statement_is_shown_in_english_marked_english(client, tracked):
    make_statement("test-english-only", summary="Test summary only in English.")
    html = _html(client, "/es/policy/")
    entry = html[html.index('id="test-english-only"') :]
    assert re.search(r'<a href="/es/policy/test-english-only/" lang="en" dir="ltr">', entry)
    assert "Test summary only in English." in entry
    statement_page = _html(client, "/ar/policy/test-english-only/")
    assert '<h1 lang="en" dir="ltr">Test summary only in English.</h1>' in statement_page


def test_tracker_is_cached_and_a_recorded_change_shows_at_once(client, tracked):
    assert client.get("/es/policy/")["X-Cache"] == "miss"
    assert client.get("/es/policy/")["X-Cache"] == "hit"
    PolicyEvent.objects.create(
        statement=tracked["statement"],
        sequence=3,
        kind=PolicyEvent.Kind.VERIFICATION,
        status="rescinded",
        note="Test data: checked again.",
        source=tracked["ruling"],
        checked_on=datetime.date(2026, 4, 1),
    )
    response = client.get("/es/policy/")
    assert response["X-Cache"] == "miss"
    assert "Test data: checked again." in response.content.decode()


def test_a_change_recorded_once_reaches_every_guide_citing_it_and_the_feed(client, site_tree):
    # Through the tracker's own rules: recording marks the guides, the pages
    # (cached before) show the notice at once, in each reader's language.
    statement = make_statement("test-recorded", summary=SUMMARY["en"])
    _translate(statement, "ar", SUMMARY["ar"])
    guide = make_guide("test-recorded-guide", title="Test recorded", body=body_citing([statement]))
    translate_guide(guide, "ar", "دليل تجريبي")
    for code in ("en", "ar", "es"):
        assert "notice-update" not in _html(client, f"/{code}/guides/test-recorded-guide/")
    change = record_change(
        statement,
        status=PolicyStatement.Status.RESCINDED,
        source=PolicySourceFactory(title="Test ruling 2026", kind="ruling", date_year=2026),
        effective_date=(2026, 3, None),
        note=NOTE,
    )
    for code in ("en", "ar", "es"):
        notice = _notice(_html(client, f"/{code}/guides/test-recorded-guide/"))
        assert f'href="/{code}/policy/changes/{change.pk}/"' in notice
        assert RESCINDED[code] in notice
    assert SUMMARY["ar"] in _notice(_html(client, "/ar/guides/test-recorded-guide/"))
    feed = ET.fromstring(client.get("/ar/policy/feed/").content)
    links = [entry.find(f"{ATOM}link").get("href") for entry in feed.findall(f"{ATOM}entry")]
    assert links == [f"{settings.SITE_URL}/ar/policy/changes/{change.pk}/"]


def _queries(client, path: str) -> int:
    cache.clear()  # a real render, not the page cache
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_tracker_costs_the_same_queries_for_more_statements_events_and_guides(client, tracked):
    _queries(client, "/ar/policy/")  # warm per-process caches (site, locales)
    few = _queries(client, "/ar/policy/")
    for n in range(4):
        statement = make_statement(f"test-more-{n}", summary=f"Test summary {n}.")
        _translate(statement, "ar", f"ملخص {n}")
        make_guide(f"test-more-guide-{n}", body=body_citing([statement, tracked["statement"]]))
        PolicyEvent.objects.create(
            statement=statement,
            sequence=1,
            kind=PolicyEvent.Kind.FIRST_VERSION,
            status="in_force",
            quote=statement.quote,
            source=tracked["ruling"],
            effective_year=2026,
        )
    many = _queries(client, "/ar/policy/")
    assert many == few, (few, many)


def test_a_superseded_statement_says_so_on_the_guide_and_links_its_history(client, site_tree):
    statement = make_statement("test-old-rule", summary="Test old rule.")
    replacement = make_statement("test-new-rule", summary="Test new rule.")
    make_guide("test-superseded-guide", body=body_citing([statement]))
    record_change(
        statement,
        status=PolicyStatement.Status.SUPERSEDED,
        superseded_by=replacement,
        source=PolicySourceFactory(title="Test law 2026", kind="law", date_year=2026),
        effective_date=(2026, None, None),
        note="Test data: replaced by the test new rule.",
    )
    html = _html(client, "/es/guides/test-superseded-guide/")
    block = html[html.index('id="statement-test-old-rule"') :]
    assert "Esta política fue reemplazada por otra." in block  # in the reader's language
    assert 'href="/es/policy/test-old-rule/"' in block
    sources = html[html.index('<section class="sources"') :]
    assert "Reemplazada por otra política." in sources
    tracker = _html(client, "/es/policy/test-old-rule/")
    assert 'href="/es/policy/test-new-rule/"' in tracker


@pytest.mark.parametrize("key", ["feed", "changes"])
def test_a_statement_cannot_take_the_key_of_the_trackers_own_pages(site_tree, key):
    statement = make_statement("test-reserved")
    statement.key = key
    with pytest.raises(ValidationError) as refused:
        statement.full_clean()
    assert refused.value.message_dict["key"] == [
        f"“{key}” is the address of the policy tracker's own page (/policy/{key}/): "
        "choose another key."
    ]
    assert not {row["key"] for row in memo.STATEMENTS} & {"feed", "changes"}

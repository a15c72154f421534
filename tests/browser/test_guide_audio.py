"""A guide's audio on the page: without audio the page is exactly as before;
with audio it gains only the player (and its label and download link), no
script or stylesheet, and the browser fetches none of the file until the
reader presses play. Without JavaScript the player is still there, and axe
finds nothing wrong with it.
"""

from __future__ import annotations

import re
import urllib.request

import pytest

from tests.browser.audio_guide import make_audio_guide, record_audio_guide
from tests.browser.axe import axe_options, describe
from tests.browser.page_assets import Assets

pytestmark = pytest.mark.browser

AUDIO_SECTION = re.compile(r'<section class="guide-audio".*?</section>', re.S)


def _html(live_site, path: str) -> str:
    # A query string of its own: the site's page cache is per process, so a
    # purge made from the test's subprocess would not reach it.
    with urllib.request.urlopen(f"{live_site.url}{path}", timeout=30) as response:
        return response.read().decode()


def _assets(html: str) -> list[str]:
    parser = Assets()
    parser.feed(html)
    return parser.urls


def test_audio_adds_only_the_player_and_loads_nothing_before_play(live_site, site_context):
    path = make_audio_guide(live_site, "test-audio-weight")
    before = _html(live_site, f"{path}?weight=before")
    assert "<audio" not in before

    audio_path = record_audio_guide(live_site, "test-audio-weight")
    after = _html(live_site, f"{path}?weight=after")
    sections = AUDIO_SECTION.findall(after)
    assert len(sections) == 1 and sections[0].count("<audio ") == 1
    assert 'preload="none"' in sections[0]
    # Take the player away and the page is the page without audio, byte for byte.
    assert AUDIO_SECTION.sub("", after) == before.replace("?weight=before", "?weight=after")
    assert _assets(after) == _assets(before)

    audio_requests = []
    page = site_context.new_page()
    page.on(
        "request",
        lambda request: audio_requests.append(request) if audio_path in request.url else None,
    )
    page.goto(f"{path}?weight=browser")
    page.wait_for_load_state("networkidle")
    assert page.locator("audio[controls]").count() == 1
    assert audio_requests == []

    # Pressing play fetches it, in ranges.
    with page.expect_response(lambda response: audio_path in response.url) as answer:
        page.evaluate("document.querySelector('audio').play().catch(() => null)")
    assert answer.value.status in (200, 206)


def test_player_is_there_without_javascript(live_site, no_js_context):
    path = make_audio_guide(live_site, "test-audio-no-js")
    audio_path = record_audio_guide(live_site, "test-audio-no-js")
    page = no_js_context.new_page()
    page.goto(f"{path}?no-js=1")
    player = page.locator("audio[controls]")
    assert player.count() == 1
    assert player.get_attribute("src") == audio_path


def test_a_guide_with_audio_has_no_accessibility_violation(
    live_site,
    axe_page,  # noqa: F811 - the fixtures imported above
    axe,  # noqa: F811
    wcag_rules,  # noqa: F811
):
    path = make_audio_guide(live_site, "test-audio-axe")
    record_audio_guide(live_site, "test-audio-axe")
    assert axe_page.goto(f"{path}?axe=1").status == 200
    assert axe_page.locator("audio[controls]").count() == 1
    violations = axe.run(axe_page, options=axe_options(wcag_rules)).response["violations"]
    assert violations == [], describe(violations)

"""Issue 15's "done when", end to end, on the seeded guide "Your IDNYC card".

An organiser prints a Spanish–Chinese flyer for "Your IDNYC card", a phone's
camera scans its QR code and lands on the Chinese guide, the reader keeps it
for offline and opens it in airplane mode, and someone who does not read
listens to it in Spanish. One test, four steps, each a function below:

1. An Editor signs into the admin, opens the flyer builder, chooses the guide,
   Spanish and Simplified Chinese on Letter, sees the preview and downloads
   the PDF (one landscape Letter page with both titles).
2. The PDF's QR codes decode (zbarimg) to the Spanish and the Chinese short
   links, as the API gives them; a phone with no account opens the Chinese
   one and lands on /zh-hans/guides/your-idnyc/, a Chinese page with the
   guide's Chinese title.
3. The phone presses "Keep on this phone", loses its network, opens the guide
   again and reads it, served by Faro's service worker.
4. The Spanish guide gets its computer-voice audio (made on the site as the
   `media` worker would, which the browser site does not run); a fresh
   browser presses play on the page's <audio controls> and the audio plays:
   the file answers 200/206 with bytes, time advances, no media error.

The seeded guide is the subject here, so the test uses it rather than a guide
of its own; it only reads it, and removes the Spanish audio it made at the
end (later tests visit the Spanish guide and expect the seeded page).
Titles are read from the API (never written here), as is the short link.
"""

from __future__ import annotations

import json
import re
import subprocess
import urllib.request
import uuid
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from tests.browser.admin import NAVIGATION_TIMEOUT, create_account, path_of, sign_in_to_admin
from tests.browser.offline import go_offline, keep
from tests.browser.outreach_audio import unvoice_guide, voice_guide
from tests.support.browser import open_context

pytestmark = pytest.mark.browser

SLUG = "your-idnyc"
ENGLISH_TITLE = "Your IDNYC card"  # the seeded English guide, as the builder lists it
FIRST, SECOND = "es", "zh-hans"
CHINESE_GUIDE = f"/{SECOND}/guides/{SLUG}/"
SPANISH_GUIDE = f"/{FIRST}/guides/{SLUG}/"
# Letter, landscape (the two languages side by side), in points as pdfinfo prints it.
LETTER_LANDSCAPE = (792.0, 612.0)
# Playwright's "Galaxy S5": a small Android phone (its user agent left to Chromium).
SMALL_ANDROID_PHONE = {
    "viewport": {"width": 360, "height": 640},
    "device_scale_factor": 3,
    "is_mobile": True,
    "has_touch": True,
}
HAN = re.compile(r"[\u4e00-\u9fff]")
# A player that has played this long is playing, not merely loaded.
PLAYED_SECONDS = 0.5
PLAY_TIMEOUT = 30_000
PLAYER_STATE = """audio => ({
    paused: audio.paused,
    error: audio.error && audio.error.code,
    readyState: audio.readyState,
    currentTime: audio.currentTime,
    duration: audio.duration,
})"""


def _run(*command) -> str:
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def _api_guide(live_site, language: str) -> dict:
    """The API's record of the guide in `language` (title, short_link, fallback, ...)."""
    url = f"{live_site.url}/api/v1/guides/?lang={language}&situation={SLUG}"
    with urllib.request.urlopen(url, timeout=30) as response:
        body = json.load(response)
    rows = body["results"] if isinstance(body, dict) else body
    assert len(rows) == 1, rows
    return rows[0]


def _lang(page) -> str:
    """The page's language tag, lower case: BCP 47 ignores case (the site writes zh-Hans)."""
    return page.locator("html").get_attribute("lang").lower()


def _qr_codes(pdf, tmp_path) -> list[str]:
    """What a camera reads off the flyer: every QR code on its (only) page."""
    image = tmp_path / "flyer"
    _run("pdftoppm", "-r", "100", "-png", "-singlefile", str(pdf), str(image))
    return _run(
        "zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", f"{image}.png"
    ).split()


@pytest.fixture
def phone(browser, live_site):
    """A phone's browser: small Android screen, touch, no account, nothing else shared."""
    recorded = open_context(browser, live_site, **SMALL_ANDROID_PHONE)
    yield recorded
    recorded.check_and_close()


def organiser_prints_a_spanish_chinese_flyer(live_site, admin_context, tmp_path):
    """Step 1: the flyer builder, as an Editor uses it; returns the saved PDF."""
    account = create_account(
        live_site, f"outreach-editor-{uuid.uuid4().hex[:6]}", groups=["Editors"]
    )
    page = admin_context.new_page()
    sign_in_to_admin(page, account, "/admin/")

    with page.expect_navigation(wait_until="domcontentloaded", timeout=NAVIGATION_TIMEOUT):
        page.get_by_role("link", name="Flyer builder").click()
    expect(page.get_by_role("heading", name="Flyer builder")).to_be_visible()
    page.get_by_label(ENGLISH_TITLE, exact=True).check()
    page.get_by_role("combobox", name=re.compile(r"^First language")).select_option(FIRST)
    page.get_by_label("Second language (optional)").select_option(SECOND)
    page.get_by_label("Letter (8.5 × 11 in)").check()
    with page.expect_navigation(wait_until="domcontentloaded", timeout=NAVIGATION_TIMEOUT):
        page.get_by_role("button", name="Show preview").click()

    preview = page.locator("img[data-flyer-builder-preview]")
    expect(preview).to_be_visible(timeout=NAVIGATION_TIMEOUT)
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0",
        arg=preview.element_handle(),
        timeout=60_000,
    )

    with page.expect_download(timeout=60_000) as download_info:
        page.locator("a[data-flyer-builder-download]").click()
    download = download_info.value
    assert download.suggested_filename == f"faro-flyers-{FIRST}-{SECOND}-letter.pdf"
    pdf = tmp_path / download.suggested_filename
    download.save_as(pdf)

    info = _run("pdfinfo", str(pdf))
    assert re.search(r"^Pages:\s+1$", info, re.M), info
    width, height = re.search(r"^Page size:\s+([\d.]+) x ([\d.]+) pts", info, re.M).groups()
    assert (float(width), float(height)) == pytest.approx(LETTER_LANDSCAPE, abs=0.5)
    # Both languages' titles, as the site's own data gives them, are printed.
    printed = "".join(_run("pdftotext", str(pdf), "-").split())
    for language in (FIRST, SECOND):
        title = _api_guide(live_site, language)["title"]
        assert "".join(title.split()) in printed, (language, title, printed[:600])
    return pdf


def phone_scans_the_chinese_qr_code(live_site, phone, pdf, tmp_path):
    """Step 2: decode the flyer's codes; the phone opens the Chinese one. Returns the page."""
    spanish, chinese = _api_guide(live_site, FIRST), _api_guide(live_site, SECOND)
    assert chinese["fallback"] is False, "the seeded guide has a Chinese translation"
    assert HAN.search(chinese["title"]), chinese["title"]
    scanned = _qr_codes(pdf, tmp_path)
    assert sorted(scanned) == sorted([spanish["short_link"], chinese["short_link"]]), scanned
    short_link = chinese["short_link"]
    assert urlsplit(short_link).path.startswith("/g/"), short_link
    assert short_link.startswith(live_site.url), "the QR code leads to Faro's own domain"

    page = phone.new_page()
    response = page.goto(short_link)
    assert response.status == 200, response.status
    assert path_of(page) == CHINESE_GUIDE, page.url
    assert _lang(page) == SECOND
    assert page.locator("main h1").inner_text().strip() == chinese["title"].strip()
    return page, chinese["title"]


def reader_keeps_it_and_opens_it_in_airplane_mode(phone, page, title: str):
    """Step 3: "Keep on this phone", no network, the guide opens from the phone."""
    keep(page)
    go_offline(phone.context)
    reopened = phone.new_page()
    response = reopened.goto(CHINESE_GUIDE)
    assert response is not None and response.from_service_worker
    assert _lang(reopened) == SECOND
    assert reopened.locator("main h1").inner_text().strip() == title.strip()
    reopened.locator("[data-offline-saved]").wait_for()


def someone_listens_in_spanish(site_context, audio_path: str):
    """Step 4: press play on the Spanish guide's player; the audio plays."""
    page = site_context.new_page()
    # A query of its own: the site caches pages per process, and this page
    # was last drawn (maybe by another test) before its audio existed.
    page.goto(f"{SPANISH_GUIDE}?listen={uuid.uuid4().hex[:6]}")
    assert _lang(page) == FIRST
    section = page.locator("section.guide-audio")
    assert section.get_attribute("data-audio-source") == "generated"
    player = section.locator("audio[controls]")
    assert player.count() == 1
    assert player.get_attribute("src") == audio_path

    with page.expect_response(
        lambda response: urlsplit(response.url).path == audio_path, timeout=PLAY_TIMEOUT
    ) as answer:
        # The play button of Chromium's own controls is at the player's left end.
        box = player.bounding_box()
        page.mouse.click(box["x"] + 16, box["y"] + box["height"] / 2)
    response = answer.value
    assert response.status in (200, 206), response.status
    headers = response.all_headers()
    assert headers["content-type"].startswith("audio/"), headers
    assert int(headers["content-length"]) > 0, headers

    try:
        page.wait_for_function(
            f"""audio => !audio.paused && !audio.error && audio.readyState >= 2
                         && audio.currentTime > {PLAYED_SECONDS}""",
            arg=player.element_handle(),
            timeout=PLAY_TIMEOUT,
        )
    except PlaywrightTimeoutError:
        pass  # the state below says what went wrong
    state = player.evaluate(PLAYER_STATE)
    assert (
        not state["paused"]
        and state["error"] is None
        and state["readyState"] >= 2
        and state["currentTime"] > PLAYED_SECONDS
        and state["duration"] > PLAYED_SECONDS
    ), f"the Spanish audio is not playing: {state}"


def test_an_organiser_prints_a_flyer_a_phone_scans_keeps_it_offline_and_someone_listens(
    live_site, admin_context, phone, site_context, tmp_path
):
    pdf = organiser_prints_a_spanish_chinese_flyer(live_site, admin_context, tmp_path)
    page, chinese_title = phone_scans_the_chinese_qr_code(live_site, phone, pdf, tmp_path)
    reader_keeps_it_and_opens_it_in_airplane_mode(phone, page, chinese_title)
    # Made only now, and removed at once: the API and page answers cached
    # above (and by later tests) are of the seeded guide without audio.
    audio_path = voice_guide(live_site, SLUG, FIRST)
    try:
        someone_listens_in_spanish(site_context, audio_path)
    finally:
        unvoice_guide(live_site, SLUG, FIRST)
    with urllib.request.urlopen(f"{live_site.url}{SPANISH_GUIDE}?after=1", timeout=30) as answer:
        assert "<audio" not in answer.read().decode(), "the test's audio was left behind"

"""The flyer builder in Chromium, as a Translator uses it for outreach.

A Translator signs in, opens "Flyer builder" from the admin menu, picks two
guides, Spanish and Simplified Chinese, A4, sees the preview image load and
downloads the PDF. The PDF has one A4 page per guide (landscape: the two
languages side by side) with both guides' titles, and each page's two QR
codes lead, through their short links, to that guide in Spanish and in
Chinese.
"""

from __future__ import annotations

import re
import subprocess
import urllib.error
import urllib.request
import uuid
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.admin import NAVIGATION_TIMEOUT, create_account, sign_in_to_admin
from tests.browser.flyer_guides import make_flyer_guides

pytestmark = pytest.mark.browser

# A4 landscape in points, as pdfinfo prints it.
A4_LANDSCAPE = (841.89, 595.28)


def _run(*command) -> str:
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _lands_on(short_link: str) -> str:
    """Where a phone that scanned `short_link` is sent (the redirect's path)."""
    opener = urllib.request.build_opener(NoRedirect)
    try:
        opener.open(short_link, timeout=30)
    except urllib.error.HTTPError as redirect:
        assert redirect.code in (301, 302), redirect.code
        return urlsplit(redirect.headers["Location"]).path
    raise AssertionError(f"{short_link} did not redirect")


def _qr_codes(pdf, page_number: int, tmp_path) -> list[str]:
    image = tmp_path / f"page-{page_number}"
    _run("pdftoppm", "-r", "100", "-png", "-singlefile", "-f", str(page_number), "-l",
         str(page_number), str(pdf), str(image))  # fmt: skip
    return _run(
        "zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", f"{image}.png"
    ).split()


def test_a_translator_prints_two_guides_in_spanish_and_chinese_on_a4(
    browser, live_site, admin_context, tmp_path
):
    run = uuid.uuid4().hex[:6]
    guides = {
        f"flyer-a-{run}": {
            "en": f"Flyer test A {run}",
            "es": f"Volante A {run}",
            "zh-hans": f"传单甲 {run}",
        },
        f"flyer-b-{run}": {
            "en": f"Flyer test B {run}",
            "es": f"Volante B {run}",
            "zh-hans": f"传单乙 {run}",
        },
    }
    make_flyer_guides(live_site, guides)
    account = create_account(live_site, f"flyer-translator-{run}", groups=["Translators"])
    page = admin_context.new_page()
    sign_in_to_admin(page, account, "/admin/")

    with page.expect_navigation(wait_until="domcontentloaded", timeout=NAVIGATION_TIMEOUT):
        page.get_by_role("link", name="Flyer builder").click()
    expect(page.get_by_role("heading", name="Flyer builder")).to_be_visible()
    for titles in guides.values():
        page.get_by_label(titles["en"]).check()
    page.get_by_role("combobox", name=re.compile(r"^First language")).select_option("es")
    page.get_by_label("Second language (optional)").select_option("zh-hans")
    page.get_by_label("A4 (210 × 297 mm)").check()
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
    assert download.suggested_filename == "faro-flyers-es-zh-hans-a4.pdf"
    pdf = tmp_path / download.suggested_filename
    download.save_as(pdf)

    info = _run("pdfinfo", str(pdf))
    assert re.search(r"^Pages:\s+2$", info, re.M), info
    width, height = re.search(r"^Page size:\s+([\d.]+) x ([\d.]+) pts", info, re.M).groups()
    assert (float(width), float(height)) == pytest.approx(A4_LANDSCAPE, abs=0.5)

    for number, (slug, titles) in enumerate(guides.items(), start=1):
        text = _run("pdftotext", "-f", str(number), "-l", str(number), str(pdf), "-")
        flat = "".join(text.split())
        assert titles["es"].replace(" ", "") in flat, text
        assert titles["zh-hans"].replace(" ", "") in flat, text
        landings = {_lands_on(link) for link in _qr_codes(pdf, number, tmp_path)}
        assert landings == {f"/es/guides/{slug}/", f"/zh-hans/guides/{slug}/"}

"""Wallet cards: a printable page with no JavaScript, and a PDF in every script."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest

from know_your_rights.seed import TRANSLATIONS_DIR

ENGLISH_RIGHT = "You can use your IDNYC card as ID with the NYPD."
# The font each script needs, as pdffonts names the embedded subset.
FONTS = {
    "en": "Noto-Sans",
    "ar": "Noto-Sans-Arabic",
    "bn": "Noto-Sans-Bengali",
    "zh-hans": "Noto-Sans-CJK-SC",
    "ur": "Noto-Nastaliq-Urdu",
    "ko": "Noto-Sans-CJK-KR",
}


def _local(code: str, text: str) -> str:
    if code == "en":
        return text
    return json.loads((TRANSLATIONS_DIR / f"{code}.json").read_text(encoding="utf-8"))[text]


@pytest.mark.parametrize("code", ["en", "ar", "bn", "zh-hans"])
def test_card_page_is_printable_without_javascript(seeded, client, code):
    response = client.get(f"/{code}/guides/your-idnyc/card/")
    assert response.status_code == 200
    html = response.content.decode()
    # Only the quick exit's deferred script (it clears offline copies); the
    # card itself needs none.
    scripts = re.findall(r"<script[^>]*>", html)
    assert len(scripts) == 1 and "quick-exit" in scripts[0] and "defer" in scripts[0], scripts
    assert "style=" not in html
    assert "/static/know_your_rights/card.css" in html
    assert _local(code, ENGLISH_RIGHT) in html
    english_side = re.search(
        r'<section class="card-side card-english" lang="en" dir="ltr">.*?</section>', html, re.S
    )
    if code == "en":
        assert english_side is None
    else:
        assert english_side is not None
        assert "ENGLISH — for the officer" in english_side.group()
        assert ENGLISH_RIGHT in english_side.group()
        # Only rights marked for the card: the status-question right is not.
        assert "If you ask the police for help" not in english_side.group()


def _pdf_tools():
    missing = [tool for tool in ("pdfinfo", "pdffonts", "pdftotext") if not shutil.which(tool)]
    assert not missing, f"poppler-utils is missing ({missing}); see deploy/debian-packages.txt"


@pytest.mark.parametrize("code", list(FONTS))
def test_card_pdf_downloads_one_page_with_the_right_fonts(seeded, client, code, tmp_path):
    _pdf_tools()
    response = client.get(f"/{code}/guides/your-idnyc/card/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (f'attachment; filename="faro-your-idnyc-{code}.pdf"')
    assert response.content.startswith(b"%PDF-")
    pdf = tmp_path / "card.pdf"
    pdf.write_bytes(response.content)

    info = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages:\s+1$", info, re.M)
    fonts = subprocess.run(["pdffonts", pdf], capture_output=True, text=True, check=True).stdout
    assert f"+{FONTS[code]}" in fonts, fonts
    assert "Type 3" not in fonts  # no bitmap fallback glyphs
    text = subprocess.run(
        ["pdftotext", "-layout", pdf, "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "IDNYC" in text
    if code != "en":
        assert "ENGLISH — FOR THE OFFICER" in text.upper()
        assert ENGLISH_RIGHT in " ".join(text.split())
    if code == "zh-hans":
        assert "这是我的 IDNYC 卡" in text


def test_card_pdf_for_a_missing_guide_is_404(seeded, client):
    assert client.get("/en/guides/no-such-guide/card/pdf/").status_code == 404

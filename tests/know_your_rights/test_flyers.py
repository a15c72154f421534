"""Flyers (`/<lang>/guides/<slug>/flyer/pdf/`): one printed page whose QR code a
phone reads and follows to the guide in the right language, in the right
script with its fonts embedded, in one or two languages and four paper sizes."""

from __future__ import annotations

import re
import shutil
import subprocess
import time
import uuid
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import translation
from django.utils.translation import gettext
from wagtail.models import Site

from know_your_rights.models import HelpLineSettings
from tests.factories.know_your_rights import make_guide, make_statement
from tests.factories.know_your_rights import translate_guide as translate

pytestmark = pytest.mark.django_db

ENGLISH_RIGHT = "You can use your IDNYC card as ID with the NYPD."
NOT_TRANSLATED = "This page is not yet available in your language. It is shown in English."
# Title and first right in each language; the Arabic, Bengali and Chinese
# ones are what pdftotext must find in their own script.
TEXTS = {
    "es": ("Su tarjeta IDNYC", "Puede usar su tarjeta IDNYC como identificación."),
    "zh-hans": ("您的 IDNYC 卡", "您可以把 IDNYC 卡当作身份证件出示给警察。"),
    "ar": ("بطاقة IDNYC الخاصة بك", "يمكنك استخدام بطاقة IDNYC كهوية."),
    "bn": ("আপনার IDNYC কার্ড", "আপনি IDNYC কার্ডকে পরিচয়পত্র হিসেবে ব্যবহার করতে পারেন।"),
}
SCRIPTS = {
    "ar": re.compile(r"[\u0600-\u06FF\uFB50-\uFDFF\uFE70-\uFEFF]"),
    "bn": re.compile(r"[\u0980-\u09FF]"),
    "zh-hans": re.compile(r"[\u4E00-\u9FFF]"),
}
FONTS = {"ar": "Noto-Sans-Arabic", "bn": "Noto-Sans-Bengali", "zh-hans": "Noto-Sans-CJK-SC"}
# pdfinfo's "Page size" in points (width x height), portrait.
POINTS = {
    "letter": (612, 792),
    "a4": (595.28, 841.89),
    "tabloid": (792, 1224),
    "a3": (841.89, 1190.55),
}


@pytest.fixture(autouse=True)
def tools_and_cache():
    missing = [
        tool
        for tool in ("pdfinfo", "pdffonts", "pdftotext", "pdftoppm", "zbarimg")
        if not shutil.which(tool)
    ]
    assert not missing, f"missing {missing}: see deploy/debian-packages.txt"
    cache.clear()
    yield
    cache.clear()


def _right(text: str, statement=None) -> dict:
    return {
        "type": "right",
        "id": str(uuid.uuid4()),
        "value": {
            "right": text,
            "say": "",
            "avoid": "",
            "statement": statement.pk if statement else None,
            "on_card": True,
        },
    }


@pytest.fixture
def idnyc(site_tree):
    """ "Your IDNYC card" in English, with its first right translated into four languages."""
    statement = make_statement("idnyc")
    first = _right(ENGLISH_RIGHT, statement)
    english = make_guide(
        "test-idnyc-card",
        "Your IDNYC card",
        body=[first, _right("The police do not ask victims about status.", statement)],
    )
    pages = {"en": english}
    for code, (title, right) in TEXTS.items():
        page = translate(english, code, title, publish=False)
        page.title = title
        page.body = [
            {**block, "value": {**block["value"], "right": right}}
            if block["id"] == first["id"]
            else block
            for block in page.body.raw_data
        ]
        page.save_revision().publish()
        pages[code] = page
    return pages


@pytest.fixture
def plain(site_tree):
    """An English guide with one right (cheaper than `idnyc` where languages do not matter)."""
    page = make_guide("plain", "Plain guide")
    page.body = [_right(ENGLISH_RIGHT, make_statement("plain"))]
    page.save_revision().publish()
    return page


def _pdf(client, path: str, tmp_path, **query):
    response = client.get(path, query)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    pdf = tmp_path / f"flyer-{uuid.uuid4().hex}.pdf"
    pdf.write_bytes(response.content)
    return pdf


def _run(*command) -> str:
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def _text(pdf) -> str:
    return " ".join(_run("pdftotext", "-layout", pdf, "-").split())


def _page_size(pdf) -> tuple[float, float]:
    info = _run("pdfinfo", pdf)
    assert re.search(r"^Pages:\s+1$", info, re.M), info
    width, height = re.search(r"^Page size:\s+([\d.]+) x ([\d.]+) pts", info, re.M).groups()
    return float(width), float(height)


def _qr_codes(pdf) -> list[str]:
    """What a phone's camera reads on the printed page: each QR code's text."""
    image = pdf.with_suffix("")
    _run("pdftoppm", "-r", "100", "-png", "-singlefile", pdf, image)
    decoded = subprocess.run(
        ["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", f"{image}.png"],
        capture_output=True,
        text=True,
    )
    assert decoded.returncode == 0, decoded.stderr
    return sorted(decoded.stdout.split())


def _follow(client, short_link: str) -> tuple[str, str]:
    """Open a short link as the phone would: (where it lands, the page's HTML)."""
    assert short_link.startswith(f"{settings.SITE_URL}/g/"), short_link
    response = client.get(urlsplit(short_link).path)
    assert response.status_code == 302
    landing = response["Location"]
    page = client.get(landing)
    assert page.status_code == 200
    return landing, page.content.decode()


@pytest.mark.parametrize("code", ["es", "zh-hans", "ar"])
def test_the_qr_code_leads_to_the_guide_in_the_flyers_language(client, idnyc, code, tmp_path):
    pdf = _pdf(client, f"/{code}/guides/test-idnyc-card/flyer/pdf/", tmp_path)
    [short_link] = _qr_codes(pdf)
    landing, html = _follow(client, short_link)
    assert landing == f"/{code}/guides/test-idnyc-card/"
    assert TEXTS[code][0] in html
    # The link is printed too, for typing.
    assert urlsplit(short_link).netloc + urlsplit(short_link).path in _text(pdf)


@pytest.mark.parametrize("code", ["ar", "bn", "zh-hans"])
def test_the_flyer_is_in_its_script_with_the_fonts_embedded(client, idnyc, code, tmp_path):
    pdf = _pdf(client, f"/{code}/guides/test-idnyc-card/flyer/pdf/", tmp_path)
    text = _text(pdf)
    assert len(SCRIPTS[code].findall(text)) >= 10, text
    if code == "zh-hans":
        assert TEXTS[code][0] in text
        assert TEXTS[code][1].replace(" ", "") in text.replace(" ", "")
    fonts = _run("pdffonts", pdf)
    assert f"+{FONTS[code]}" in fonts, fonts
    assert "Type 3" not in fonts
    for line in fonts.splitlines()[2:]:
        assert line.split()[-5] == "yes", f"font not embedded: {line}"  # the `emb` column
    # The untranslated second right is there, in English (reordered in Arabic's text flow).
    assert "victims about status" in text


def test_a_bilingual_flyer_has_both_languages_side_by_side(client, idnyc, tmp_path):
    pdf = _pdf(client, "/es/guides/test-idnyc-card/flyer/pdf/", tmp_path, **{"with": "zh-hans"})
    assert _page_size(pdf) == (792, 612)  # Letter, landscape
    text = _text(pdf)
    # The columns' lines interleave in the extracted text: titles fit on one line.
    assert TEXTS["es"][0] in text and TEXTS["zh-hans"][0] in text
    assert len(SCRIPTS["zh-hans"].findall(text)) >= 10
    landings = {_follow(client, link)[0] for link in _qr_codes(pdf)}
    assert landings == {"/es/guides/test-idnyc-card/", "/zh-hans/guides/test-idnyc-card/"}


@pytest.mark.parametrize("size", list(POINTS))
def test_paper_sizes(client, plain, size, tmp_path):
    pdf = _pdf(client, "/en/guides/plain/flyer/pdf/", tmp_path, size=size)
    width, height = _page_size(pdf)
    assert (width, height) == pytest.approx(POINTS[size], abs=0.5)
    assert _qr_codes(pdf)


def test_letter_is_the_default(client, plain, tmp_path):
    pdf = _pdf(client, "/en/guides/plain/flyer/pdf/", tmp_path)
    assert _page_size(pdf) == (612, 792)
    assert ENGLISH_RIGHT in _text(pdf)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"size": "poster"}, "Unknown paper size"),
        ({"size": "<script>"}, "Unknown paper size"),
        ({"with": "xx"}, "Unknown language"),
        ({"with": "en"}, "must differ"),
    ],
)
def test_bad_size_or_language_is_400_with_a_clear_message(client, plain, query, message):
    response = client.get("/en/guides/plain/flyer/pdf/", query | {"size": query.get("size", "a4")})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    assert message in response.content.decode()


def test_a_bad_size_under_another_language_is_400_too(client, plain):
    # The locale fallback serves the English guide under /es/.
    response = client.get("/es/guides/plain/flyer/pdf/", {"size": "poster"})
    assert response.status_code == 400
    assert "letter, a4, tabloid, a3" in response.content.decode()


def test_an_untranslated_language_shows_the_source_with_the_notice(client, site_tree, tmp_path):
    english = make_guide("at-work", "At work")
    english.body = [_right("You can refuse to answer.", make_statement("work"))]
    english.save_revision().publish()
    pdf = _pdf(client, "/es/guides/at-work/flyer/pdf/", tmp_path, **{"with": "ar"})
    text = _text(pdf)
    assert text.count("You can refuse to answer.") == 2
    # The notice, each in its half's language (the Arabic one in Arabic script).
    with translation.override("es"):
        spanish_notice = gettext(NOT_TRANSLATED)
    assert spanish_notice != NOT_TRANSLATED
    assert " ".join(spanish_notice.split()[:5]) in text
    assert SCRIPTS["ar"].search(text)
    landings = {_follow(client, link)[0] for link in _qr_codes(pdf)}
    # Each QR code names its language: the locale fallback serves the source there.
    assert landings == {"/es/guides/at-work/", "/ar/guides/at-work/"}


def test_the_help_line_is_on_the_flyer_once_set(client, plain, tmp_path):
    assert "El Grito" not in _text(_pdf(client, "/en/guides/plain/flyer/pdf/", tmp_path))
    settings_row = HelpLineSettings.for_site(Site.objects.get(is_default_site=True))
    settings_row.name, settings_row.phone = "El Grito help line", "+1 718 000 0000"
    settings_row.save()
    cache.clear()
    text = _text(_pdf(client, "/en/guides/plain/flyer/pdf/", tmp_path))
    assert "El Grito help line: +1 718 000 0000" in text


def test_no_flyer_for_a_missing_guide(client, plain):
    assert client.get("/es/guides/no-such-guide/flyer/pdf/").status_code == 404


TOO_MANY = "Too many printable files were asked for from your connection. Try again in a minute."


def test_past_the_pdf_limit_a_client_is_told_in_its_language_when_to_come_back(
    client, plain, settings
):
    settings.PDF_RATE_LIMIT = 2
    # The limit counts per clock minute: start early in one so all three requests share it.
    if time.time() % 60 > 40:
        time.sleep(61 - time.time() % 60)
    assert client.get("/en/guides/plain/card/pdf/").status_code == 200
    assert client.get("/en/guides/plain/flyer/pdf/").status_code == 200
    refused = client.get("/es/guides/plain/flyer/pdf/", {"size": "a4"})
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60
    assert refused["Cache-Control"] == "no-store"
    with translation.override("es"):
        assert refused.content.decode() == gettext(TOO_MANY)
    # Another client address still gets its flyer.
    other = client.get("/en/guides/plain/flyer/pdf/", {"size": "a4"}, REMOTE_ADDR="192.0.2.7")
    assert other.status_code == 200

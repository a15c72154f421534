"""No invented phone number: the only one in the seeded content is the memo's own."""

from __future__ import annotations

import json
import re
from pathlib import Path

from wagtail.models import Revision
from wagtail_localize.models import StringTranslation

from know_your_rights.models import GuidePage, Hotline, PolicySource, PolicyStatement
from know_your_rights.seed import SEED_DIR

ALLOWED = {"6466105400"}
# North American numbers in any usual spelling, plus any other run of 7+ digits
# (spaces, dots, dashes and brackets allowed between them).
PHONE = re.compile(r"(?<![\w])\+?\(?\d[\d\s().\-]{5,}\d(?![\w])")
# Identifiers and timestamps in stored JSON are not phone numbers.
NOT_PHONE = re.compile(
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
    r"|\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:\d{2}|Z)?)?"
)


TEXT_FIELDS = {"title", "draft_title", "seo_title", "search_description", "intro"} | {
    "situation",
    "summary",
    "body",
}


def phone_numbers(text: str) -> set[str]:
    """Digit strings in `text` that look like phone numbers (7 digits or more)."""
    found = set()
    for match in PHONE.finditer(NOT_PHONE.sub(" ", text)):
        digits = re.sub(r"\D", "", match.group())
        if len(digits) >= 7:
            found.add(digits.removeprefix("1") if len(digits) == 11 else digits)
    return found


def test_the_scanner_catches_numbers_in_usual_spellings():
    assert phone_numbers("call (212) 555-0100 now") == {"2125550100"}
    assert phone_numbers("call 212.555.0100") == {"2125550100"}
    assert phone_numbers("+1 718 555 0199") == {"7185550199"}
    assert phone_numbers("Legal Bureau at 646-610-5400.") == {"6466105400"}
    assert phone_numbers("in 2017, about 21 people") == set()
    assert phone_numbers('{"id": "6f1c1f5e-3a8e-4d35-9c52-2b9c1e0f7a11"}') == set()
    assert phone_numbers("2026-11-28T02:10:00.123+00:00") == set()


def _seeded_texts():
    for path in sorted(Path(SEED_DIR).rglob("*")):
        if path.is_file():
            yield str(path), path.read_text(encoding="utf-8")
    for model in (PolicySource, PolicyStatement, Hotline):
        for row in model.objects.all().values():
            for name, value in row.items():
                if isinstance(value, str):
                    yield f"{model.__name__} {row['id']} {name}", value
    for page in GuidePage.objects.all():
        yield f"page {page.pk}", f"{page.title} {page.situation} {page.summary}"
        yield f"page {page.pk} body", json.dumps(list(page.body.raw_data), ensure_ascii=False)
    for revision in Revision.objects.all():
        for name in TEXT_FIELDS & set(revision.content):
            yield f"revision {revision.pk} {name}", str(revision.content[name])
    for text in StringTranslation.objects.values_list("data", flat=True):
        yield "string translation", text


def test_seeded_content_has_no_phone_number_but_the_legal_bureau_line(seeded):
    bad = {
        where: numbers - ALLOWED
        for where, text in _seeded_texts()
        if (numbers := phone_numbers(text)) - ALLOWED
    }
    assert bad == {}


def test_rendered_guides_show_no_other_number(seeded, client):
    for page in GuidePage.objects.live():
        html = client.get(page.url).content.decode()
        # Strip markup so attribute values (ids, dates) do not count.
        text = re.sub(r"<[^>]+>", " ", html)
        assert phone_numbers(text) <= ALLOWED, page.url

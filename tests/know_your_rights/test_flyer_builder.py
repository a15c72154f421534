"""The flyer builder in the admin (`/admin/flyers/`): Editors, Moderators and
Translators choose guides, one or two languages and a paper size, see the
first flyer as an image and download one PDF with a flyer per guide, in the
order chosen. Everyone else is refused; every bad choice comes back on the
form, with what was chosen still there."""

from __future__ import annotations

import logging
import re
import subprocess
import uuid
from html import unescape

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from know_your_rights.flyer_builder import MAX_GUIDES
from tests.factories.know_your_rights import make_guide, make_private, make_statement
from tests.factories.know_your_rights import translate_guide as translate
from tests.factories.users import UserFactory
from tests.support.auth import sign_in_verified

pytestmark = pytest.mark.django_db

BUILDER = "/admin/flyers/"
PREVIEW = "/admin/flyers/preview.png"
PDF = "/admin/flyers/pdf/"
NOT_TRANSLATED = "This page is not yet available in your language. It is shown in English."


@pytest.fixture(autouse=True)
def english_admin():
    # Form errors are checked in the admin's language, English; the page cache is not involved.
    cache.clear()
    with translation.override("en"):
        yield
    cache.clear()


def signed_in(role: str, name: str) -> Client:
    user = UserFactory(username=name, **{role: True})
    return sign_in_verified(Client(), user)


def _right(text: str, key: str) -> dict:
    return {
        "type": "right",
        "id": str(uuid.uuid4()),
        "value": {
            "right": text,
            "say": "",
            "avoid": "",
            "statement": make_statement(key).pk,
            "on_card": True,
        },
    }


@pytest.fixture
def guides(site_tree):
    """Two live guides (the first translated into Spanish) and a draft."""
    first = make_guide(
        "builder-test-idnyc",
        "Builder test: your IDNYC card",
        body=[_right("Builder test right one.", "builder-one")],
    )
    translate(first, "es", "Prueba: su tarjeta IDNYC")
    second = make_guide(
        "builder-test-work",
        "Builder test: at work",
        body=[_right("Builder test right two.", "builder-two")],
    )
    draft = make_guide("builder-test-draft", "Builder test: draft", publish=False)
    return first, second, draft


def _run(*command, stdin: bytes | None = None) -> str:
    return subprocess.run(command, input=stdin, capture_output=True, check=True).stdout.decode()


def _pages(pdf: bytes) -> int:
    return int(re.search(r"^Pages:\s+(\d+)$", _run("pdfinfo", "-", stdin=pdf), re.M).group(1))


def _text(pdf: bytes) -> str:
    return " ".join(_run("pdftotext", "-layout", "-", "-", stdin=pdf).split())


def _html(response) -> str:
    return unescape(response.content.decode())


@pytest.mark.parametrize("role", ["editor", "moderator", "translator", "superuser"])
def test_editors_moderators_and_translators_have_the_builder(role, guides):
    client = signed_in(role, f"builder-{role}")
    home = client.get("/admin/")
    assert BUILDER in home.content.decode()  # the menu item
    response = client.get(BUILDER)
    assert response.status_code == 200
    html = _html(response)
    assert "Builder test: your IDNYC card" in html
    assert "Builder test: draft" not in html  # only live guides are offered


@pytest.mark.parametrize("path", [BUILDER, PREVIEW, PDF])
def test_someone_with_no_role_is_refused(path, guides):
    client = signed_in("staff_without_group", "builder-nobody")
    assert BUILDER not in client.get("/admin/").content.decode()
    query = {"guides": guides[0].pk, "language": "en", "size": "letter"}
    assert client.get(path, query).status_code == 403


def test_a_private_guide_is_not_offered(guides):
    make_private(guides[1])
    html = _html(signed_in("editor", "builder-private").get(BUILDER))
    assert "Builder test: your IDNYC card" in html
    assert "Builder test: at work" not in html


def test_two_guides_in_two_languages_make_one_pdf_in_the_order_chosen(guides, caplog):
    first, second, _draft = guides
    client = signed_in("translator", "builder-translator")
    query = {
        "guides": [second.pk, first.pk],
        "language": "es",
        "second_language": "zh-hans",
        "size": "a4",
    }
    page = client.get(BUILDER, query)
    assert page.status_code == 200
    html = _html(page)
    assert 'href="/admin/flyers/pdf/?' in html
    assert 'src="/admin/flyers/preview.png?' in html
    # Neither guide is in Chinese and the second is not in Spanish either: the page says so.
    assert "data-flyer-builder-untranslated" in html
    assert "“Builder test: at work” in Español" in html

    with caplog.at_level(logging.INFO, logger="know_your_rights.flyer_builder"):
        response = client.get(PDF, query)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="faro-flyers-es-zh-hans-a4.pdf"'
    pdf = response.content
    assert _pages(pdf) == 2
    # Page by page, in the order chosen: the second guide's flyer first.
    first_page = " ".join(_run("pdftotext", "-f", "1", "-l", "1", "-", "-", stdin=pdf).split())
    second_page = " ".join(_run("pdftotext", "-f", "2", "-l", "2", "-", "-", stdin=pdf).split())
    assert "Builder test right two." in first_page
    assert "Prueba: su tarjeta IDNYC" in second_page
    # The log says what was printed and names nobody.
    [record] = [r for r in caplog.records if r.name == "know_your_rights.flyer_builder"]
    assert f"{second.pk},{first.pk}" in record.getMessage()
    assert "builder-translator" not in record.getMessage()


def test_the_preview_is_a_small_png_of_the_first_flyer(guides):
    client = signed_in("editor", "builder-preview")
    query = {"guides": [guides[0].pk, guides[1].pk], "language": "en", "size": "letter"}
    response = client.get(PREVIEW, query)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    png = response.content
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert max(width, height) <= 900
    assert height > width  # one language: portrait Letter


def test_an_untranslated_language_falls_back_with_the_notice(guides):
    client = signed_in("editor", "builder-fallback")
    query = {"guides": [guides[1].pk], "language": "es", "size": "letter"}
    html = _html(client.get(BUILDER, query))
    assert "“Builder test: at work” in Español" in html
    text = _text(client.get(PDF, query).content)
    assert "Builder test right two." in text
    with translation.override("es"):
        spanish_notice = gettext(NOT_TRANSLATED)
    assert " ".join(spanish_notice.split()[:5]) in text


def _errors(client, query) -> str:
    response = client.get(BUILDER, query)
    assert response.status_code == 200
    html = _html(response)
    assert "data-flyer-builder-result" not in html  # no preview, no download
    return html


def test_no_guide_is_a_form_error(guides):
    html = _errors(
        signed_in("editor", "builder-e1"),
        {"language": "es", "second_language": "zh-hans", "size": "a4"},
    )
    assert "Choose at least one guide." in html
    # What was chosen is still chosen.
    assert re.search(r'<option value="zh-hans"[^>]*selected', html)
    assert re.search(r'value="a4"[^>]*checked', html)


def test_the_same_two_languages_are_a_form_error(guides):
    html = _errors(
        signed_in("editor", "builder-e2"),
        {"guides": [guides[0].pk], "language": "es", "second_language": "es", "size": "letter"},
    )
    assert "Choose a second language different from the first, or none." in html
    assert re.search(rf'value="{guides[0].pk}"[^>]*checked', html)


def test_an_unknown_size_is_a_form_error(guides):
    html = _errors(
        signed_in("editor", "builder-e3"),
        {"guides": [guides[0].pk], "language": "en", "size": "poster"},
    )
    assert "Unknown paper size “poster”. Choose Letter, A4, tabloid or A3." in html


def test_an_unknown_language_is_a_form_error(guides):
    html = _errors(
        signed_in("editor", "builder-e4"),
        {"guides": [guides[0].pk], "language": "xx", "size": "letter"},
    )
    assert "Faro has no pages in the language “xx”. Choose another." in html


def test_a_guide_that_is_not_live_is_a_form_error(guides):
    draft = guides[2]
    client = signed_in("editor", "builder-e5")
    query = {"guides": [guides[0].pk, draft.pk], "language": "en", "size": "letter"}
    html = _errors(client, query)
    assert "One chosen guide is not published (or no longer exists)." in html
    assert client.get(PDF, query).status_code == 400
    assert client.get(PREVIEW, query).status_code == 400


def test_too_many_guides_is_a_form_error(site_tree):
    pages = [make_guide(f"builder-many-{n}", f"Builder many {n}") for n in range(MAX_GUIDES + 1)]
    html = _errors(
        signed_in("editor", "builder-e6"),
        {"guides": [page.pk for page in pages], "language": "en", "size": "letter"},
    )
    assert f"Choose at most {MAX_GUIDES} guides for one PDF (you chose {MAX_GUIDES + 1})." in html

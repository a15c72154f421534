"""Short links (`/g/<code>/`): one permanent code per guide and language that
redirects to the guide wherever it moves, 410 once it is deleted, 404 when
it never existed; and `short_link`/`flyer_pdf` on every guide in the API."""

from __future__ import annotations

import re
import threading
import uuid

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from know_your_rights.models import ShortLink
from know_your_rights.short_links import CODE_ALPHABET, CODE_LENGTH, short_code
from tests.factories.know_your_rights import body_citing, make_guide, make_statement
from tests.factories.know_your_rights import translate_guide as translate
from tests.factories.site import locale

pytestmark = pytest.mark.django_db

TITLES = {"es": "Su tarjeta IDNYC", "zh-hans": "您的 IDNYC 卡", "ar": "بطاقة IDNYC الخاصة بك"}


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def idnyc(site_tree):
    """ "Your IDNYC card" in English, translated into Spanish, Chinese and Arabic."""
    english = make_guide(
        "test-idnyc-card", "Your IDNYC card", body=body_citing([make_statement("idnyc")])
    )
    return {"en": english} | {
        code: translate(english, code, title) for code, title in TITLES.items()
    }


def _code(page) -> str:
    return short_code(page.translation_key, page.locale_id)


def _path(code: str) -> str:
    return f"/g/{code}/"


@pytest.mark.parametrize("code", ["es", "zh-hans", "ar"])
def test_short_link_lands_on_the_guide_in_its_language(client, idnyc, code):
    short = _code(idnyc[code])
    response = client.get(_path(short))
    assert response.status_code == 302
    assert response["Location"] == f"/{code}/guides/test-idnyc-card/"
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert TITLES[code] in page.content.decode()


def test_one_random_code_per_guide_and_language(idnyc):
    codes = {code: _code(page) for code, page in idnyc.items()}
    assert len(set(codes.values())) == len(codes)
    for value in codes.values():
        assert len(value) == CODE_LENGTH and set(value) <= set(CODE_ALPHABET)
        assert "idnyc" not in value
    # Asking again gives the same codes and makes no new rows.
    assert {code: _code(page) for code, page in idnyc.items()} == codes
    rows = ShortLink.objects.filter(translation_key=idnyc["en"].translation_key)
    assert rows.count() == len(codes)


def test_publishing_a_guide_makes_its_code(site_tree):
    page = make_guide("new-guide")
    assert ShortLink.objects.filter(
        translation_key=page.translation_key, locale=page.locale
    ).exists()


@pytest.mark.django_db(transaction=True)
def test_requests_asking_at_once_get_the_same_code():
    key, spanish = uuid.uuid4(), locale("es").pk
    start, codes = threading.Barrier(4), []

    def ask():
        try:
            start.wait()
            codes.append(short_code(key, spanish))
        finally:
            connection.close()

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(codes) == 4 and len(set(codes)) == 1
    assert ShortLink.objects.filter(translation_key=key).count() == 1


def test_a_moved_and_renamed_guide_keeps_its_short_link(client, idnyc):
    short = _code(idnyc["es"])
    spanish = idnyc["es"]
    spanish.slug = "su-idnyc"
    spanish.title = "Su IDNYC (nuevo)"
    spanish.save_revision().publish()
    response = client.get(_path(short))
    assert response.status_code == 302
    assert response["Location"] == "/es/guides/su-idnyc/"
    assert "Su IDNYC (nuevo)" in client.get(response["Location"]).content.decode()
    # The old path is gone, the short link is not.
    assert client.get("/es/guides/test-idnyc-card/").status_code in (200, 404)


def test_a_language_with_no_translation_leads_to_the_source_with_the_notice(client, site_tree):
    english = make_guide("at-work", "At work")
    short = short_code(english.translation_key, locale("es").pk)
    response = client.get(_path(short))
    assert response.status_code == 302
    assert response["Location"] == "/es/guides/at-work/"
    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "At work" in html
    assert 'class="notice notice-fallback"' in html
    assert '<meta name="robots" content="noindex">' in html


def test_a_deleted_guide_answers_410_with_the_guides_list_in_its_language(client, idnyc):
    short = _code(idnyc["es"])
    for page in reversed(list(idnyc.values())):
        page.delete()
    assert ShortLink.objects.filter(code=short).exists()
    response = client.get(_path(short))
    assert response.status_code == 410
    html = response.content.decode()
    assert '<html lang="es"' in html
    assert 'href="/es/guides/"' in html


def test_an_unknown_code_is_404_in_the_negotiated_language_with_every_guides_list(client, idnyc):
    response = client.get(_path("zzzzzzz"), HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")
    assert response.status_code == 404
    html = response.content.decode()
    assert '<html lang="zh-Hans"' in html
    for code in ("en", "es", "ar", "zh-hans", "bn"):
        assert re.search(rf'href="/{code}/guides/"', html), code
    # No Accept-Language: English.
    assert '<html lang="en"' in client.get(_path("nope")).content.decode()


def test_api_gives_absolute_short_link_and_flyer_on_every_guide(client, idnyc):
    listing = client.get("/api/v1/guides/", {"lang": "es"}).json()["results"]
    spanish = next(item for item in listing if item["slug"] == "test-idnyc-card")
    short = _code(idnyc["es"])
    assert spanish["short_link"] == f"{settings.SITE_URL}/g/{short}/"
    assert spanish["flyer_pdf"] == f"{settings.SITE_URL}/es/guides/test-idnyc-card/flyer/pdf/"
    detail = client.get(f"/api/v1/guides/{idnyc['ar'].pk}/").json()
    assert detail["short_link"] == f"{settings.SITE_URL}/g/{_code(idnyc['ar'])}/"
    assert detail["flyer_pdf"] == f"{settings.SITE_URL}/ar/guides/test-idnyc-card/flyer/pdf/"
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()["components"]["schemas"]
    for name in ("Guide", "GuideDetail"):
        assert {"short_link", "flyer_pdf"} <= set(schema[name]["properties"]), name


def _list_queries(client) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/api/v1/guides/").status_code == 200
    return len(queries)


def test_short_links_of_a_guide_list_take_one_query(client, site_tree):
    make_guide("one", "One")
    _list_queries(client)  # makes the codes
    one = _list_queries(client)
    for n in range(4):
        make_guide(f"more-{n}", f"More {n}")
    _list_queries(client)
    assert _list_queries(client) == one

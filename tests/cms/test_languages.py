"""Language in the URL: redirects, switcher, lang/dir, hreflang, fallback."""

import pytest
from django.conf import settings
from django.utils import translation
from wagtail.models import Locale

from cms.models import HomePage

pytestmark = pytest.mark.django_db

ALL = [code for code, _ in settings.LANGUAGES]
TAGS = {"zh-hans": "zh-Hans", "zh-hant": "zh-Hant"}


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("es-MX,es;q=0.9,en;q=0.5", "/es/"),
        ("ar", "/ar/"),
        ("zh-TW,zh;q=0.9", "/zh-hant/"),
        ("zh-CN", "/zh-hans/"),
        ("ht", "/ht/"),
        ("de-DE,de;q=0.9", "/en/"),
        ("", "/en/"),
    ],
)
def test_bare_root_redirects_by_accept_language(client, accept, expected):
    response = client.get("/", headers={"Accept-Language": accept} if accept else {})
    assert response.status_code == 302
    assert response["Location"] == expected
    assert "Accept-Language" in response["Vary"]


def test_language_cookie_is_ignored_and_never_set(client):
    client.cookies["django_language"] = "ru"
    response = client.get("/", headers={"Accept-Language": "pl"})
    assert response["Location"] == "/pl/"
    page = client.get("/pl/")
    assert page.cookies == {}
    assert "Set-Cookie" not in page


@pytest.mark.parametrize("code", ALL)
def test_every_language_home_has_lang_dir_and_hreflang(client, code):
    response = client.get(f"/{code}/")
    assert response.status_code == 200
    html = response.content.decode()
    tag = TAGS.get(code, code)
    direction = "rtl" if code in ("ar", "ur") else "ltr"
    assert f'<html lang="{tag}" dir="{direction}">' in html
    for other in ALL:
        other_tag = TAGS.get(other, other)
        assert (
            f'<link rel="alternate" hreflang="{other_tag}" href="{settings.SITE_URL}/{other}/">'
            in html
        )
    assert f'<link rel="alternate" hreflang="x-default" href="{settings.SITE_URL}/en/">' in html
    assert f'<link rel="canonical" href="{settings.SITE_URL}/{code}/">' in html


def test_switcher_names_each_language_in_itself_and_links_same_page(client):
    html = client.get("/es/").content.decode()
    for code, name in settings.LANGUAGES:
        tag = TAGS.get(code, code)
        assert f'<a href="/{code}/" hreflang="{tag}" lang="{tag}"' in html
        assert f">{name}</a>" in html
    assert "Kreyòl ayisyen" in html and "العربية" in html and "বাংলা" in html
    assert 'lang="es" dir="ltr" aria-current="true">Español</a>' in html


def test_ui_strings_come_from_the_catalog_of_the_language(client):
    # The skip link is a gettext string; Haitian Creole (which Django has no
    # catalog of its own for) reads it from Faro's.
    english = client.get("/en/").content.decode()
    assert "Skip to main content" in english
    response = client.get("/ht/")
    assert response.status_code == 200
    kreyol = response.content.decode()
    assert '<html lang="ht" dir="ltr">' in kreyol
    assert "Ale dirèkteman nan kontni prensipal la" in kreyol
    assert "Skip to main content" not in kreyol


def test_missing_home_falls_back_to_english_with_notice(client):
    HomePage.objects.get(locale__language_code="es").delete()
    response = client.get("/es/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="es" dir="ltr">' in html
    assert '<meta name="robots" content="noindex">' in html
    assert f'<link rel="canonical" href="{settings.SITE_URL}/en/">' in html
    assert "notice-fallback" in html


def test_unknown_page_is_404_in_every_language(client):
    assert client.get("/es/no-such-page/").status_code == 404


def test_all_twelve_locales_exist():
    assert sorted(Locale.objects.values_list("language_code", flat=True)) == sorted(ALL)
    assert HomePage.objects.count() == 12


def test_admin_is_unprefixed(client):
    assert client.get("/admin/login/").status_code == 200
    assert client.get("/es/admin/login/").status_code == 404


@pytest.mark.parametrize("path", ["/bn/", "/api/v1/languages/?lang=bn"])
def test_a_requests_language_ends_with_the_request(client, path):
    """What runs after a Bengali request on the same thread reads English again."""
    assert client.get(path).status_code == 200
    assert translation.get_language() == settings.LANGUAGE_CODE

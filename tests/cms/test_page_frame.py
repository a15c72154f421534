"""Pages served through cms.page_frame are the pages Wagtail serves on its own.

The frame fetches the site's home page with the locales, every site's root
paths and the help line in one query, and routes from there. It keeps
nothing beyond the request, so a change to any of those shows on the next
render; these tests check both.
"""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import Client, RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from wagtail.models import Locale, Page, Site

from cms import page_frame
from cms.models import HomePage
from core.locales import request_locales
from know_your_rights.models import HelpLineSettings
from tests.factories.know_your_rights import (
    body_citing,
    make_guide,
    make_hotline,
    make_statement,
    translate_guide,
)

pytestmark = pytest.mark.django_db

FRAME = "cms.middleware.PageFrameMiddleware"


def _served(path: str, framed: bool, host: str = "localhost"):
    """`path` rendered afresh (page cache emptied) by a new client, with or
    without the frame; the response and the number of queries it took."""
    cache.clear()
    middleware = [m for m in settings.MIDDLEWARE if framed or m != FRAME]
    with override_settings(MIDDLEWARE=middleware), CaptureQueriesContext(connection) as queries:
        response = Client(HTTP_HOST=host).get(path)
    return response, len(queries)


@pytest.fixture
def guide(site_tree):
    """A guide citing a statement and a hotline, in English and Spanish, and
    the help line set."""
    english = make_guide(
        "talking-to-police",
        title="Talking to the police",
        body=body_citing([make_statement("idnyc")], make_hotline("City line")),
    )
    translate_guide(english, "es", "Hablar con la policía")
    setting = HelpLineSettings.for_site(Site.objects.get(is_default_site=True))
    setting.name, setting.phone = "El Grito help line", "718-555-0100"
    setting.save()
    return english


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the frame query is PostgreSQL's")
def test_every_kind_of_answer_is_the_same_with_and_without_the_frame(guide, client):
    paths = [
        guide.url,  # English
        "/es/guides/talking-to-police/",  # translated
        "/ar/guides/talking-to-police/",  # not translated: the source with a notice
        "/zh-hans/",  # a language with no home page
        "/en/",
        "/es/",
        "/es/guides/",
        "/es/guides/talking-to-police/card/",  # a routable page's sub-path
        "/es/guides/no-such-guide/",
        "/en/guides/talking-to-police/no-such-part/",
    ]
    for path in paths:
        framed, framed_queries = _served(path, framed=True)
        plain, plain_queries = _served(path, framed=False)
        assert framed.status_code == plain.status_code, path
        assert framed.content == plain.content, path
        if framed.status_code == 200:
            assert framed_queries < plain_queries, (path, framed_queries, plain_queries)
    page = _served("/es/guides/talking-to-police/", framed=True)[0].content.decode()
    assert "Hablar con la policía" in page
    assert "718-555-0100" in page


def test_a_changed_help_line_shows_on_the_next_render(guide, client):
    setting = HelpLineSettings.objects.get()
    for phone in ("212-555-0199", "917-555-0142"):
        setting.phone = phone
        setting.save()  # purges the page cache, as an editor's save does
        page = client.get("/es/guides/talking-to-police/").content.decode()
        assert phone in page
    setting.phone = ""
    setting.save()
    assert "917-555-0142" not in client.get("/es/guides/talking-to-police/").content.decode()


def test_another_site_is_served_its_own_home_page_and_follows_a_hostname_change(guide):
    root = Page.get_first_root_node()
    other_home = root.add_child(instance=HomePage(title="Other group", slug="other-home"))
    other = Site.objects.create(hostname="other.example", port=80, root_page=other_home)
    for framed in (True, False):
        assert "Other group" in _served("/en/", framed, host="other.example")[0].content.decode()
    other.hostname = "renamed.example"
    other.save()
    for framed in (True, False):
        # The old name now falls back to the default site, as in Wagtail.
        page = _served("/en/", framed, host="other.example")[0].content.decode()
        assert "Other group" not in page
        assert "Other group" in _served("/en/", framed, host="renamed.example")[0].content.decode()


def _prepared(path: str, host: str = "localhost"):
    request = RequestFactory(HTTP_HOST=host).get(path)
    with translation.override("es"):
        page_frame.prepare(request, path.removeprefix("/es/"))
    return request


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the frame query is PostgreSQL's")
def test_what_the_frame_leaves_on_the_request_is_what_wagtail_reads(guide):
    root = Page.get_first_root_node()
    other_home = root.add_child(instance=HomePage(title="Other group", slug="other-home"))
    Site.objects.create(hostname="other.example", port=8080, root_page=other_home)
    other_home.copy_for_translation(Locale.objects.get(language_code="es"))
    Locale.objects.create(language_code="nl")  # a locale added since the last request
    request = _prepared("/es/guides/talking-to-police/")
    cache.clear()
    assert request._wagtail_cached_site_root_paths == Site.get_site_root_paths()
    assert len({path.site_id for path in request._wagtail_cached_site_root_paths}) == 2
    assert request_locales(request) == {locale.pk: locale for locale in Locale.objects.all()}
    assert "nl" in {locale.language_code for locale in request_locales(request).values()}
    help_line = HelpLineSettings.for_request(request)
    assert (help_line.pk, help_line.site_id, help_line.name, help_line.phone) == (
        HelpLineSettings.objects.values_list("pk", "site_id", "name", "phone").get()
    )
    page, args, kwargs = request._wagtail_route_for_request
    assert page.title == "Hablar con la policía"


def test_a_site_without_its_help_line_row_gets_one_made_as_wagtail_does(guide):
    HelpLineSettings.objects.all().delete()
    request = _prepared("/es/guides/talking-to-police/")
    assert not hasattr(request, HelpLineSettings.get_cache_attr_name())
    assert HelpLineSettings.for_request(request).phone == ""
    assert HelpLineSettings.objects.count() == 1

"""The language switcher links each language's version of the page being read.

Where a page has no translation, the link is the same path under the other
language's prefix, as Django's `translate_url` makes it (the tag reuses the
request's own resolved path instead of resolving it again per language).
"""

import re

import pytest
from django.core.cache import cache
from django.urls import translate_url
from django.utils import translation

from core.languages import bcp47, codes
from tests.factories.know_your_rights import make_guide, translate_guide

pytestmark = pytest.mark.django_db

SWITCHER_LINK = re.compile(r'<li><a href="([^"]*)" hreflang="([^"]*)" lang=')


def test_untranslated_languages_link_the_same_path_under_their_prefix(site_tree, client):
    english = make_guide("talking-to-police", title="Talking to the police")
    translate_guide(english, "es", "Hablar con la policía")
    translated = {"en": english.url, "es": "/es/guides/talking-to-police/"}
    for path, status, of_guide in [
        ("/es/guides/talking-to-police/card/", 200, True),  # a routable page's sub-path
        ("/ar/guides/talking-to-police/", 200, True),  # served from English, with a notice
        ("/es/search/", 200, False),  # not a Wagtail page
        ("/es/guides/no-such-guide/", 404, False),
    ]:
        cache.clear()
        response = client.get(path, {"q": "policía"} if "search" in path else {})
        assert response.status_code == status, path
        links = dict((tag, href) for href, tag in SWITCHER_LINK.findall(response.content.decode()))
        assert len(links) == len(codes()), path
        for code in codes():
            # translate_url resolves `path` in the active language, as the
            # request that served it did.
            with translation.override(path.split("/")[1]):
                expected = translate_url(path, code)
            if of_guide and code in translated:  # the guide's own translation
                expected = translated[code]
            assert links[bcp47(code)] == expected, (path, code)

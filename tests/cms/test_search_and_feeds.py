"""Search in the reader's language, bounded queries, Atom feeds of alerts."""

import xml.etree.ElementTree as ET

import pytest
from django.core.cache import cache
from wagtail.models import Locale
from wagtail.search.backends import get_search_backend

from cms import search
from tests.factories.advocacy import approve, ensure_areas, publish_alert
from tests.factories.know_your_rights import GuidePageFactory

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()


@pytest.fixture
def guide():
    page = GuidePageFactory(
        title="Your IDNYC card",
        slug="idnyc-test",
        situation="Showing ID to the police",
        summary="The NYPD accepts IDNYC as identification.",
    )
    spanish = page.copy_for_translation(Locale.objects.get(language_code="es"), copy_parents=True)
    spanish.title = "Su tarjeta IDNYC"
    spanish.summary = "La policía acepta IDNYC como identificación."
    spanish.save_revision().publish()
    return page


def test_search_finds_guides_and_alerts_in_the_readers_language(client, guide):
    publish_alert("IDNYC office closed", translations=("es",))
    english = client.get("/en/search/", {"q": "IDNYC"}).content.decode()
    assert "Your IDNYC card" in english and "IDNYC office closed" in english
    assert "Su tarjeta IDNYC" not in english
    spanish = client.get("/es/search/", {"q": "IDNYC"}).content.decode()
    assert "Su tarjeta IDNYC" in spanish and "[es] IDNYC office closed" in spanish
    assert "Your IDNYC card" not in spanish


def test_search_page_without_query_and_with_no_result(client):
    assert client.get("/ar/search/").status_code == 200
    response = client.get("/en/search/", {"q": "zzzzunmatched"})
    assert response.status_code == 200
    assert response.context["results"] == []


def test_a_long_query_is_cut_before_it_reaches_the_backend(client, monkeypatch):
    backend = get_search_backend()
    passed = []
    original = type(backend).search

    def spy(self, query, *args, **kwargs):
        passed.append(query)
        return original(self, query, *args, **kwargs)

    monkeypatch.setattr(type(backend), "search", spy)
    response = client.get("/en/search/", {"q": "idnyc " * 5000 + "\n\r\t"})
    assert response.status_code == 200
    assert len(passed) == 1
    assert len(passed[0]) <= search.MAX_QUERY_LENGTH
    assert passed[0] == ("idnyc " * 5000)[: search.MAX_QUERY_LENGTH].strip()


def test_language_feed_lists_alerts_in_that_language(client):
    publish_alert("Checkpoint reported", translations=("es",))
    publish_alert("English only notice")
    response = client.get("/es/alerts/feed/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    titles = [entry.find(f"{ATOM}title").text for entry in feed.findall(f"{ATOM}entry")]
    assert "[es] Checkpoint reported" in titles
    assert "English only notice" in titles  # not translated yet: the source, not nothing
    assert "Checkpoint reported" not in titles


def test_area_feed_includes_alerts_for_the_area_its_borough_and_everywhere(client):
    areas = ensure_areas()
    publish_alert("Sunset Park alert", areas=[areas["sunset-park"]])
    publish_alert("Brooklyn alert", areas=[areas["brooklyn"]])
    publish_alert("Citywide alert")
    publish_alert("Queens alert", areas=[areas["queens"]])
    feed = ET.fromstring(client.get("/en/alerts/feed/sunset-park/").content)
    titles = {entry.find(f"{ATOM}title").text for entry in feed.findall(f"{ATOM}entry")}
    assert titles == {"Sunset Park alert", "Brooklyn alert", "Citywide alert"}
    assert client.get("/en/alerts/feed/atlantis/").status_code == 404


def test_feeds_are_advertised_on_every_page(client):
    html = client.get("/bn/").content.decode()
    assert '<link rel="alternate" type="application/atom+xml"' in html
    assert 'href="/bn/alerts/feed/"' in html


def test_search_finds_an_alert_by_a_word_of_its_summary(client):
    alert = publish_alert("Notice")
    alert.summary = "Checkpoint reported near the Sunset Park library."
    alert.save_revision()
    approve(alert)
    html = client.get("/en/search/", {"q": "library"}).content.decode()
    assert ">Notice</a>" in html


def test_admin_search_of_policy_sources_works(admin_client):
    from know_your_rights.models import PolicySource

    PolicySource.objects.create(
        title="Memo on immigration policy", issuer="NYPD Police Commissioner"
    )
    response = admin_client.get(
        "/admin/snippets/know_your_rights/policysource/", {"q": "Commissioner"}
    )
    assert response.status_code == 200
    assert "Memo on immigration policy" in response.content.decode()

"""The home page: the group's guides, the latest unexpired alerts, sign-up, in few queries."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import Locale

from know_your_rights.models import GuidePage
from tests.factories.advocacy import publish_alert
from tests.factories.know_your_rights import GuidePageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()


def add_guide(title: str, slug: str, spanish_title: str = "") -> GuidePage:
    page = GuidePageFactory(
        title=title, slug=slug, situation=f"When {title}", summary="Plain words."
    )
    if spanish_title:
        spanish = page.copy_for_translation(
            Locale.objects.get(language_code="es"), copy_parents=True
        )
        spanish.title = spanish_title
        spanish.save_revision().publish()
    return page


def home_html(client, language="en") -> str:
    cache.clear()
    response = client.get(f"/{language}/")
    assert response.status_code == 200
    return response.content.decode()


def test_home_lists_guides_latest_alerts_and_the_sign_up(client):
    add_guide("Talking to the police", "talking-to-the-police")
    publish_alert("Current alert")
    publish_alert("Old alert", expires_at=timezone.now() - datetime.timedelta(days=1))
    html = home_html(client)
    assert 'href="/en/guides/talking-to-the-police/"' in html
    assert "When Talking to the police" in html
    assert "Current alert" in html
    assert "Old alert" not in html
    assert 'href="/en/subscribe/"' in html
    assert 'href="/en/alerts/feed/"' in html
    assert 'action="/en/search/"' in html


def test_home_in_another_language_lists_its_translations_and_marks_the_rest(client):
    add_guide("Your ID card", "your-id", spanish_title="Su tarjeta")
    add_guide("Not yet translated", "not-yet")
    publish_alert("Only in English")
    html = home_html(client, "es")
    assert '<a href="/es/guides/your-id/">Su tarjeta</a>' in html
    assert ">Your ID card<" not in html
    # The untranslated guide is listed under /es/ (the fallback serves it
    # with a notice) and marked as English for screen readers.
    assert '<li lang="en" dir="ltr"><a href="/es/guides/not-yet/">Not yet translated</a>' in html
    assert 'href="/es/alerts/only-in-english/"' in html
    assert 'href="/es/subscribe/"' in html


def test_home_query_count_does_not_grow_with_guides_and_alerts(client):
    add_guide("First", "first", spanish_title="Primero")
    publish_alert("Alert one", translations=("es",))
    home_html(client, "es")  # warm Wagtail's per-process caches (site root paths)
    counts = []
    for more in range(2):
        with CaptureQueriesContext(connection) as queries:
            home_html(client, "es")
        counts.append(len(queries))
        for n in range(4):
            add_guide(f"Guide {more}-{n}", f"guide-{more}-{n}", spanish_title=f"Guía {more}-{n}")
            add_guide(f"Untranslated {more}-{n}", f"untranslated-{more}-{n}")
            publish_alert(f"Alert {more}-{n}", translations=("es",) if n % 2 else ())
    with CaptureQueriesContext(connection) as queries:
        html = home_html(client, "es")
    counts.append(len(queries))
    assert "Guía 1-3" in html and "Untranslated 1-3" in html
    assert counts[0] == counts[1] == counts[2], counts

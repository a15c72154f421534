"""One answer to "which alerts are current" and "which alerts concern an area".

``AlertPage.objects`` (``AlertPageQuerySet``) holds the rule; the Atom feed,
the API's ``?area=`` filter, the weekly digest, the send audience, the alert
index, the home page and search must all give the same answer. The area rule
("area reach"): an alert concerns area X when it is tagged with X, an area X
lies in, or an area inside X, or when it is for every area; never a sibling.
"""

from __future__ import annotations

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone
from wagtail.models import Locale

from advocacy.audience import matching_subscribers
from advocacy.digest import DigestContent
from advocacy.models import AlertPage, Area, Dispatch
from tests.factories.advocacy import ensure_areas, make_subscribers, publish_alert
from tests.factories.site import build_site_tree

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def tree() -> dict[str, Area]:
    """New York City > Brooklyn > Sunset Park and, beside it, Bushwick."""
    areas = ensure_areas()
    city = Area.objects.create(slug="new-york-city", name="New York City")
    brooklyn = areas["brooklyn"]
    brooklyn.parent = city
    brooklyn.save()
    bushwick = Area.objects.create(slug="bushwick", name="Bushwick", parent=brooklyn)
    return {
        "new-york-city": city,
        "brooklyn": brooklyn,
        "sunset-park": areas["sunset-park"],
        "bushwick": bushwick,
    }


# What each area is concerned by, by alert title.
EXPECTED = {
    "new-york-city": {"City", "Brooklyn", "Sunset Park", "Bushwick", "Everywhere"},
    "brooklyn": {"City", "Brooklyn", "Sunset Park", "Bushwick", "Everywhere"},
    "sunset-park": {"City", "Brooklyn", "Sunset Park", "Everywhere"},
    "bushwick": {"City", "Brooklyn", "Bushwick", "Everywhere"},
}


def draft_alert(title: str, areas=(), every_area=False, expires_at=None) -> AlertPage:
    """An unpublished alert: enough for the queryset itself."""
    alert = build_site_tree().alert_index.add_child(
        instance=AlertPage(
            title=title, summary=f"{title}.", every_area=every_area, expires_at=expires_at
        )
    )
    alert.areas.set(areas)  # a page's many-to-many is written when it is saved
    alert.save()
    return alert


def titles(queryset) -> set[str]:
    return set(queryset.values_list("title", flat=True))


# --- The rule, on the queryset ---------------------------------------------------


def test_an_alert_concerns_its_area_the_areas_above_and_below_never_a_sibling(tree):
    for name in ("City", "Brooklyn", "Sunset Park", "Bushwick"):
        slug = {"City": "new-york-city"}.get(name, name.lower().replace(" ", "-"))
        draft_alert(name, areas=[tree[slug]])
    draft_alert("Everywhere", every_area=True)
    draft_alert("Nowhere")  # neither areas nor "Every area": reaches no one
    for slug, expected in EXPECTED.items():
        assert titles(AlertPage.objects.concerning(tree[slug])) == expected, slug
        assert titles(AlertPage.objects.concerning(tree[slug].pk)) == expected, slug
    assert titles(AlertPage.objects.concerning_any_area()) == EXPECTED["new-york-city"]


def test_a_translation_is_in_or_out_with_its_source(tree):
    sunset = draft_alert("Sunset Park", areas=[tree["sunset-park"]])
    spanish = sunset.copy_for_translation(Locale.objects.get(language_code="es"), copy_parents=True)
    spanish.title = "Parque Sunset"
    spanish.save()
    assert titles(AlertPage.objects.concerning(tree["brooklyn"])) == {
        "Sunset Park",
        "Parque Sunset",
    }
    assert titles(AlertPage.objects.concerning(tree["bushwick"])) == set()


def test_expiry_boundaries():
    now = timezone.now()
    tick = datetime.timedelta(microseconds=1)
    draft_alert("No expiry")
    draft_alert("Expires now", expires_at=now)
    draft_alert("Expires just after", expires_at=now + tick)
    draft_alert("Expired just before", expires_at=now - tick)
    assert titles(AlertPage.objects.unexpired(now)) == {"No expiry", "Expires just after"}
    assert titles(AlertPage.objects.expired(now)) == {"Expires now", "Expired just before"}
    # A moment later, the one that expired "just after" has expired too.
    assert titles(AlertPage.objects.unexpired(now + tick)) == {"No expiry"}
    # Without a time: this moment.
    assert titles(AlertPage.objects.unexpired()) == {"No expiry"}
    assert "Expires just after" in titles(AlertPage.objects.expired())


# --- Every reader agrees ------------------------------------------------------------


def feed_titles(client, path: str) -> set[str]:
    response = client.get(path)
    assert response.status_code == 200
    feed = ET.fromstring(response.content)
    return {entry.find(f"{ATOM}title").text for entry in feed.findall(f"{ATOM}entry")}


def api_titles(client, **query) -> set[str]:
    response = client.get("/api/v1/alerts/", {"page_size": 100, **query})
    assert response.status_code == 200, response.content
    return {row["title"] for row in response.json()["results"]}


def digest_titles(content: DigestContent, subscriber) -> set[str]:
    content.prepare([subscriber])
    alerts, _guides = content.selection(subscriber)
    return {alert.title for alert in alerts}


def test_feed_api_digest_and_audience_agree_on_who_an_alert_concerns(client, tree):
    published = {
        "City": publish_alert("City", areas=[tree["new-york-city"]]),
        "Brooklyn": publish_alert("Brooklyn", areas=[tree["brooklyn"]]),
        "Sunset Park": publish_alert("Sunset Park", areas=[tree["sunset-park"]]),
        "Bushwick": publish_alert("Bushwick", areas=[tree["bushwick"]]),
        "Everywhere": publish_alert("Everywhere"),
        "Nowhere": publish_alert("Nowhere", every_area=False),
    }
    now = timezone.now()
    digest = DigestContent(
        Dispatch.objects.create(
            kind=Dispatch.Kind.DIGEST,
            alert_title="Weekly digest",
            period_start=now - datetime.timedelta(days=7),
            period_end=now,
            urgent=False,
        )
    )
    for slug, expected in EXPECTED.items():
        area = tree[slug]
        assert titles(AlertPage.objects.approved().concerning(area)) == expected, slug
        assert feed_titles(client, f"/en/alerts/feed/{slug}/") == expected, f"feed {slug}"
        assert api_titles(client, area=slug) == expected, f"API {slug}"
        (reader,) = make_subscribers(1, f"{slug}-reader", languages=("en",))
        reader.areas.set([area])
        assert digest_titles(digest, reader) == expected, f"digest {slug}"
        reached = {
            title for title, alert in published.items() if reader in matching_subscribers(alert)
        }
        assert reached == expected, f"audience {slug}"

    # Someone who chose no area follows every area: every alert that reaches anyone.
    (everyone,) = make_subscribers(1, "every-area-reader", languages=("en",))
    assert digest_titles(digest, everyone) == EXPECTED["new-york-city"]
    assert {
        title for title, alert in published.items() if everyone in matching_subscribers(alert)
    } == EXPECTED["new-york-city"]
    # Without an area filter, the feed and the API list every current alert.
    assert feed_titles(client, "/en/alerts/feed/") == set(published)
    assert api_titles(client) == set(published)


def test_every_list_leaves_out_the_same_expired_alerts(client):
    now = timezone.now()
    publish_alert("Open-ended notice")
    publish_alert("Later notice", expires_at=now + datetime.timedelta(days=1))
    publish_alert("Past notice", expires_at=now - datetime.timedelta(minutes=1))
    current = {"Open-ended notice", "Later notice"}
    assert titles(AlertPage.objects.approved().unexpired()) == current
    assert titles(AlertPage.objects.approved().expired()) == {"Past notice"}

    home = client.get("/en/").content.decode()
    assert all(title in home for title in current) and "Past notice" not in home

    found = client.get("/en/search/", {"q": "notice"}).context["results"]
    assert {page.title for page in found} == current

    index = client.get("/en/alerts/")
    assert {alert.title for alert in index.context["alerts"]} == current
    assert {alert.title for alert in index.context["expired_alerts"]} == {"Past notice"}

    assert feed_titles(client, "/en/alerts/feed/") == current
    assert api_titles(client) == current
    assert api_titles(client, include_expired="true") == current | {"Past notice"}

    digest = DigestContent(
        Dispatch.objects.create(
            kind=Dispatch.Kind.DIGEST,
            alert_title="Weekly digest",
            period_start=now - datetime.timedelta(days=7),
            period_end=timezone.now(),  # after every alert above was published
            urgent=False,
        )
    )
    (reader,) = make_subscribers(1, "digest-reader", languages=("en",))
    assert digest_titles(digest, reader) == current

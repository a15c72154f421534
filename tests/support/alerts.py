"""Where a reader finds an alert: the feed, the API, the alert index, the home page, search."""

from __future__ import annotations

import xml.etree.ElementTree as ET

ATOM = "{http://www.w3.org/2005/Atom}"


def feed_titles(client, language="en") -> list[str]:
    feed = ET.fromstring(client.get(f"/{language}/alerts/feed/").content)
    return [entry.find(f"{ATOM}title").text for entry in feed.findall(f"{ATOM}entry")]


def api_titles(client, language="en") -> list[str]:
    return [
        row["title"] for row in client.get(f"/api/v1/alerts/?lang={language}").json()["results"]
    ]


def visible_anywhere(client, title: str, language="en") -> list[str]:
    """Where a reader finds an alert with this title (empty: nowhere)."""
    places = []
    if title in feed_titles(client, language):
        places.append("feed")
    if title in api_titles(client, language):
        places.append("api")
    if title in client.get(f"/{language}/alerts/").content.decode():
        places.append("alert index")
    if title in client.get(f"/{language}/").content.decode():
        places.append("home page")
    if title in client.get(f"/{language}/search/", {"q": title.split()[0]}).content.decode():
        places.append("search")
    return places

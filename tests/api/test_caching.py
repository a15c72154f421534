"""Cached reads: ETag, Last-Modified, 304, purge on publish; CORS for listed origins only."""

from __future__ import annotations

import gzip
import json

import pytest

from tests.factories.advocacy import ensure_areas
from tests.factories.know_your_rights import make_guide

pytestmark = pytest.mark.django_db


def test_reads_carry_etag_and_last_modified_and_answer_304(client):
    make_guide("your-idnyc", "Your IDNYC")
    first = client.get("/api/v1/guides/", {"lang": "es"})
    assert first.status_code == 200 and first["X-Cache"] == "miss"
    etag, modified = first["ETag"], first["Last-Modified"]
    assert "Accept-Language" in first["Vary"]
    second = client.get("/api/v1/guides/", {"lang": "es"})
    assert second["X-Cache"] == "hit" and second.content == first.content
    assert second["ETag"] == etag
    not_modified = client.get("/api/v1/guides/", {"lang": "es"}, HTTP_IF_NONE_MATCH=etag)
    assert not_modified.status_code == 304 and not_modified.content == b""
    assert not_modified["ETag"] == etag
    since = client.get("/api/v1/guides/", {"lang": "es"}, HTTP_IF_MODIFIED_SINCE=modified)
    assert since.status_code == 304
    stale = client.get("/api/v1/guides/", {"lang": "es"}, HTTP_IF_NONE_MATCH='"other"')
    assert stale.status_code == 200


def test_publishing_retires_cached_answers(client):
    guide = make_guide("your-idnyc", "Your IDNYC")
    etag = client.get("/api/v1/guides/")["ETag"]
    guide.title = "Your IDNYC card"
    guide.save_revision().publish()
    response = client.get("/api/v1/guides/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200 and response["X-Cache"] == "miss"
    assert response.json()["results"][0]["title"] == "Your IDNYC card"


def test_area_changes_retire_cached_answers(client):
    areas = ensure_areas()
    client.get("/api/v1/areas/")
    areas["queens"].name = "Queens County"
    areas["queens"].save()
    names = [a["name"] for a in client.get("/api/v1/areas/").json()["results"]]
    assert "Queens County" in names


def test_accept_language_varies_the_cached_answer(client):
    make_guide("your-idnyc", "Your IDNYC")
    english = client.get("/api/v1/languages/")
    client.get("/api/v1/guides/", HTTP_ACCEPT_LANGUAGE="en")
    spanish = client.get("/api/v1/guides/", HTTP_ACCEPT_LANGUAGE="es")
    assert spanish["X-Cache"] == "miss"
    assert spanish.json()["results"][0]["fallback"] is True
    assert english.status_code == 200


def test_errors_and_writes_are_not_cached(client):
    assert client.get("/api/v1/guides/", {"lang": "xx"}).status_code == 400
    response = client.get("/api/v1/guides/", {"lang": "xx"})
    assert response.status_code == 400 and "ETag" not in response


def test_no_cross_origin_reads_by_default(client):
    response = client.get("/api/v1/languages/", HTTP_ORIGIN="https://radio.example")
    assert "Access-Control-Allow-Origin" not in response


def test_cross_origin_gets_only_from_listed_origins(client, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://radio.example"]
    allowed = client.get("/api/v1/languages/", HTTP_ORIGIN="https://radio.example")
    assert allowed["Access-Control-Allow-Origin"] == "https://radio.example"
    cached = client.get("/api/v1/languages/", HTTP_ORIGIN="https://radio.example")
    assert cached["X-Cache"] == "hit"
    assert cached["Access-Control-Allow-Origin"] == "https://radio.example"
    other = client.get("/api/v1/languages/", HTTP_ORIGIN="https://evil.example")
    assert "Access-Control-Allow-Origin" not in other
    preflight = client.options(
        "/api/v1/subscriptions/",
        HTTP_ORIGIN="https://radio.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
    )
    assert "POST" not in preflight.get("Access-Control-Allow-Methods", "")
    site = client.get("/en/", HTTP_ORIGIN="https://radio.example")
    assert "Access-Control-Allow-Origin" not in site


def test_answers_are_gzipped_for_clients_that_accept_it(client):
    make_guide("your-idnyc", "Your IDNYC")
    plain = client.get("/api/v1/guides/", {"lang": "es"})
    assert plain.status_code == 200 and "Content-Encoding" not in plain
    assert plain.json()["results"][0]["slug"] == "your-idnyc"
    assert "Accept-Encoding" in plain["Vary"]

    zipped = client.get("/api/v1/guides/", {"lang": "es"}, HTTP_ACCEPT_ENCODING="gzip, br")
    assert zipped["X-Cache"] == "hit"
    assert zipped["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped["Vary"] and "Accept-Language" in zipped["Vary"]
    assert int(zipped["Content-Length"]) == len(zipped.content) < len(plain.content)
    assert gzip.decompress(zipped.content) == plain.content

    # Two representations, two ETags: each revalidates only itself.
    assert zipped["ETag"] != plain["ETag"]
    again = client.get(
        "/api/v1/guides/",
        {"lang": "es"},
        HTTP_ACCEPT_ENCODING="gzip",
        HTTP_IF_NONE_MATCH=zipped["ETag"],
    )
    assert again.status_code == 304
    other = client.get("/api/v1/guides/", {"lang": "es"}, HTTP_IF_NONE_MATCH=zipped["ETag"])
    assert other.status_code == 200 and other.content == plain.content


def test_a_first_read_is_gzipped_too(client):
    make_guide("your-idnyc", "Your IDNYC")
    first = client.get("/api/v1/guides/", {"lang": "es"}, HTTP_ACCEPT_ENCODING="gzip")
    assert first["X-Cache"] == "miss" and first["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(first.content))["results"][0]["slug"] == "your-idnyc"
    plain = client.get("/api/v1/guides/", {"lang": "es"})
    assert plain["X-Cache"] == "hit" and "Content-Encoding" not in plain
    assert plain.json() == json.loads(gzip.decompress(first.content))

"""Under gunicorn with production settings, as a browser meets them: HTTPS
answers carry HSTS; cross-origin reads of the API are allowed to the origins
named in API_CORS_ORIGINS (the environment variable, as an operator sets it)
and to no other, cached answers included, and preflights allow reads only.
"""

from __future__ import annotations

import pytest

from tests.security.production_server import ProductionServer

pytestmark = pytest.mark.django_db(transaction=True)

PARTNER = "https://radio.example"
OTHER = "https://evil.example"
API_READ = "/api/v1/languages/"


@pytest.fixture(scope="module")
def server(django_db_setup, django_db_blocker):
    server = ProductionServer(trusted_proxy_count=1)
    server.env["API_CORS_ORIGINS"] = PARTNER
    server.start()
    yield server
    server.stop()


def test_https_answers_carry_hsts(server):
    browser = server.browser()
    # A public page that exists whatever content earlier tests left (the
    # sign-up form is a view, not a Wagtail page), the API and the admin.
    for path in ("/en/subscribe/", API_READ, "/admin/login/"):
        response = browser.get(path)
        assert response.status == 200, path
        hsts = response.headers["Strict-Transport-Security"]
        assert hsts == "max-age=31536000; includeSubDomains; preload", (path, hsts)


def test_plain_http_is_sent_to_https(server):
    response = server.browser().get("/en/", headers={"X-Forwarded-Proto": "http"})
    assert response.status == 301
    assert response.headers["Location"] == "https://faro.example.org/en/"


def allowed_origin(response) -> str | None:
    return response.headers.get("Access-Control-Allow-Origin")


def test_the_api_is_readable_from_listed_origins_only(server):
    browser = server.browser()
    first = browser.get(API_READ, headers={"Origin": PARTNER})
    assert first.status == 200 and allowed_origin(first) == PARTNER
    vary = {name.strip().lower() for name in first.headers.get("Vary", "").split(",")}
    assert "origin" in vary, "caches must keep one answer per origin"
    # The same answer again, now from the cache: still the partner's header,
    # and never handed to another origin.
    again = browser.get(API_READ, headers={"Origin": PARTNER})
    assert again.headers["X-Cache"] == "hit" and allowed_origin(again) == PARTNER
    other = browser.get(API_READ, headers={"Origin": OTHER})
    assert other.status == 200 and allowed_origin(other) is None
    assert allowed_origin(browser.get(API_READ)) is None
    # Only the API: public pages are not for cross-origin reads.
    page = browser.get("/en/subscribe/", headers={"Origin": PARTNER})
    assert page.status == 200 and allowed_origin(page) is None


def preflight(server, origin: str, method: str):
    return server.browser().request(
        "OPTIONS",
        "/api/v1/subscriptions/",
        headers={"Origin": origin, "Access-Control-Request-Method": method},
    )


def test_preflight_allows_partners_to_read_and_nobody_to_write(server):
    read = preflight(server, PARTNER, "GET")
    assert read.status == 200 and allowed_origin(read) == PARTNER
    methods = {m.strip() for m in read.headers["Access-Control-Allow-Methods"].split(",")}
    assert methods == {"GET", "HEAD", "OPTIONS"}
    write = preflight(server, PARTNER, "POST")
    assert "POST" not in write.headers.get("Access-Control-Allow-Methods", "")
    assert allowed_origin(preflight(server, OTHER, "GET")) is None

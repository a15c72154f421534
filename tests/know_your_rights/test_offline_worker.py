"""Offline reading, server side: the worker script is served from the site's
root with headers that let it cover the guides, the guide page's policy lets
it run, and the "Keep on this phone" box is in every guide, hidden until
JavaScript offers it, with no inline script."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache

from tests.factories.know_your_rights import make_guide

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def directives(response) -> dict[str, list[str]]:
    """The response's Content-Security-Policy, directive name -> sources."""
    policy = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *sources = part.split()
        policy[name] = sources
    return policy


def worker_sources(policy: dict[str, list[str]]) -> list[str]:
    """Where a page may load a worker from: worker-src, else its CSP fallbacks."""
    for name in ("worker-src", "child-src", "script-src", "default-src"):
        if name in policy:
            return policy[name]
    return ["*"]


def test_worker_script_is_served_from_the_root_to_cover_every_page(client):
    response = client.get("/offline-sw.js")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["Service-Worker-Allowed"] == "/"
    assert "no-cache" in response["Cache-Control"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert 'addEventListener("fetch"' in response.content.decode()
    # The worker's own policy: it may fetch from Faro only, and run no inline code.
    policy = directives(response)
    assert policy["connect-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]


def test_worker_script_answers_only_reads(client):
    assert client.head("/offline-sw.js").status_code == 200
    assert client.post("/offline-sw.js").status_code == 405


def test_guide_offers_keeping_it_only_through_its_script(client):
    guide = make_guide("test-offline-markup", "Test offline markup")
    response = client.get(guide.url)
    assert response.status_code == 200
    html = response.content.decode()
    box = re.search(r"<section class=\"offline\"[^>]*>", html).group()
    assert " hidden" in box
    assert f'data-offline-card="{guide.url}card/"' in box
    save = re.search(r"<button[^>]*data-offline-save[^>]*>", html).group()
    assert " hidden" in save
    assert re.search(r"<button[^>]*data-offline-remove[^>]*hidden", html)
    assert '<script src="/static/know_your_rights/offline.js" defer></script>' in html
    # Every script is a file (the strict CSP runs no inline script).
    assert all("src=" in tag for tag in re.findall(r"<script[^>]*>", html))
    assert worker_sources(directives(response)) == ["'self'"]

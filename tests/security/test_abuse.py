"""Abuse: sign-up limits that a forged header or a re-spelt address cannot
escape, and no image filter specs taken from a URL."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import URLPattern, URLResolver, get_resolver
from wagtail.images.views import serve as wagtail_image_serve

from advocacy import views

pytestmark = pytest.mark.django_db

FORM = {"language": "en"}


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def sign_up(client, email: str, **headers):
    return client.post("/en/subscribe/", {**FORM, "email": email}, **headers)


def test_a_client_cannot_escape_its_limit_by_forging_x_forwarded_for(
    client, django_capture_on_commit_callbacks
):
    limit = views.SUBSCRIBE_POSTS_PER_CLIENT_PER_HOUR
    # Each accepted sign-up is queued for the worker once the request commits.
    with django_capture_on_commit_callbacks(execute=False) as queued:
        statuses = [
            sign_up(
                client,
                f"person{i}@example.org",
                REMOTE_ADDR="203.0.113.9",
                HTTP_X_FORWARDED_FOR=f"198.51.100.{i % 250}",
            ).status_code
            for i in range(limit + 1)
        ]
    assert statuses[:limit] == [200] * limit
    assert statuses[limit] == 429
    assert len(queued) == limit
    # Someone else is not affected.
    assert sign_up(client, "other@example.org", REMOTE_ADDR="192.0.2.44").status_code == 200


def test_behind_the_proxy_only_the_address_it_saw_counts(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    limit = views.SUBSCRIBE_POSTS_PER_CLIENT_PER_HOUR
    # The client prepends a different forged address each time; the proxy
    # appends the one it saw (203.0.113.9), which is the one that counts.
    statuses = [
        sign_up(
            client,
            f"person{i}@example.org",
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{i % 250}, 203.0.113.9",
        ).status_code
        for i in range(limit + 1)
    ]
    assert statuses[limit] == 429
    other = sign_up(
        client, "other@example.org", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="192.0.2.44"
    )
    assert other.status_code == 200


def test_one_address_gets_few_mails_however_it_is_spelt_and_whoever_asks(
    client, django_capture_on_commit_callbacks
):
    spellings = [
        "target@example.org",
        "TARGET@example.org",
        " Target@Example.ORG ",
        "target@EXAMPLE.org",
        "tArGeT@example.org",
        "target@example.org",
    ]
    # Each queued sign-up is one mail from the worker (the mails themselves:
    # tests/advocacy/test_subscribers_signup.py).
    with django_capture_on_commit_callbacks(execute=False) as queued:
        for number, spelling in enumerate(spellings):
            response = sign_up(client, spelling, REMOTE_ADDR=f"192.0.2.{number + 1}")
            assert response.status_code == 200, "the answer never changes"
    assert len(queued) == 3


IMAGE_SERVE_PATHS = [
    "/images/abcdefghijklmnopqrstuvwxyz0/1/fill-10000x10000/",
    "/images/abcdefghijklmnopqrstuvwxyz0/1/width-99999/image.png",
    "/en/images/abcdefghijklmnopqrstuvwxyz0/1/fill-10000x10000/",
]


@pytest.mark.parametrize("path", IMAGE_SERVE_PATHS)
def test_image_renditions_cannot_be_asked_for_by_url(client, path):
    # A path without a language is redirected to /<lang>/..., which is no image either.
    assert client.get(path, follow=True).status_code == 404


def _views(resolver: URLResolver):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _views(pattern)
        elif isinstance(pattern, URLPattern):
            yield pattern.callback


def test_no_url_pattern_serves_dynamic_image_renditions():
    callbacks = list(_views(get_resolver()))
    assert callbacks, "the URL tree was walked"
    served_by_wagtail_images = [
        callback
        for callback in callbacks
        if getattr(callback, "view_class", None) is wagtail_image_serve.ServeView
        or getattr(callback, "__module__", "") == wagtail_image_serve.__name__
    ]
    assert served_by_wagtail_images == []

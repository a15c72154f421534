"""Nobody, superusers included, can read a subscriber's address in the admin."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.urls import URLPattern, URLResolver, get_resolver
from wagtail.admin.admin_url_finder import AdminURLFinder
from wagtail.snippets.models import get_snippet_models

from advocacy.models import Delivery, Subscriber, SuppressedAddress
from tests.security.content import SUBSCRIBER_ADDRESS, build_content

pytestmark = pytest.mark.django_db

SUBSCRIBER_MODELS = (Subscriber, SuppressedAddress, Delivery)


def admin_paths_without_arguments(resolver: URLResolver | None = None, prefix: str = ""):
    """Every /admin/ URL that takes no argument (listings, reports, search...)."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from admin_paths_without_arguments(pattern, prefix + route)
        elif isinstance(pattern, URLPattern):
            path = "/" + prefix + route
            plain = not any(mark in path for mark in ("<", "(", "[", "\\", "?", "$", "^"))
            if plain and path.startswith("/admin/"):
                yield path


def test_no_admin_listing_snippet_or_finder_exposes_subscribers():
    registered = set(get_snippet_models())
    assert not registered & set(SUBSCRIBER_MODELS)
    finder = AdminURLFinder()
    for model in SUBSCRIBER_MODELS:
        assert finder.get_edit_url(model(pk=1)) is None, model
    # No Django admin site (it would list every model to a superuser).
    assert not apps.is_installed("django.contrib.admin")
    assert "django.contrib.admin" not in settings.INSTALLED_APPS


def test_superuser_finds_no_address_anywhere_in_the_admin(admin_client):
    cache.clear()
    content = build_content()
    subscriber = content.subscriber
    secrets = {
        SUBSCRIBER_ADDRESS,
        SUBSCRIBER_ADDRESS.split("@")[0],
        subscriber.email_ciphertext[:24],
        subscriber.email_hash[:24],
    }
    paths = sorted(set(admin_paths_without_arguments()))
    assert "/admin/reports/site-history/" in paths and "/admin/dispatches/" in paths
    pages = [f"/admin/alerts/{content.alert.pk}/send/", f"/admin/dispatches/{content.dispatch.pk}/"]
    # A few admin views only ever raise (Wagtail's error-page demo); skip them.
    admin_client.raise_request_exception = False
    leaks = {}
    for path in paths + pages:
        if path.endswith(("/logout/", "/2fa/cancel/")):
            continue
        response = admin_client.get(path)
        if response.status_code != 200 or not hasattr(response, "content"):
            continue
        body = response.content.decode(errors="replace")
        found = [secret for secret in secrets if secret in body]
        if found:
            leaks[path] = found
    assert leaks == {}


def test_searching_the_admin_for_an_address_finds_nothing(admin_client):
    """A search page echoes what was typed; a stored address must not show up
    any more often than an address nobody ever gave."""
    cache.clear()
    build_content()
    unknown = SUBSCRIBER_ADDRESS.replace("hidden", "absent")
    searches = ["/admin/search/?q={}", "/admin/pages/search/?q={}"] + [
        f"/admin/snippets/{model._meta.app_label}/{model._meta.model_name}/?q={{}}"
        for model in get_snippet_models()
    ]
    # (A listing whose search itself fails answers 500 with nothing in it.)
    admin_client.raise_request_exception = False
    for search in searches:
        stored = admin_client.get(search.format(SUBSCRIBER_ADDRESS)).content.decode()
        absent = admin_client.get(search.format(unknown)).content.decode()
        assert stored.count(SUBSCRIBER_ADDRESS) == absent.count(unknown), search

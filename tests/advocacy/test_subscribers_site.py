"""The sign-up, confirmation, preferences and unsubscribe pages, as a reader uses them."""

import re
import time

import pytest
from django.core import signing
from django.core.cache import cache
from django.test import Client
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from advocacy import tokens, views
from advocacy.models import Subscriber, SuppressedAddress
from advocacy.tokens import CONFIRM, MANAGE, UNSUBSCRIBE, make_token
from tests.factories.advocacy import make_subscriber

pytestmark = pytest.mark.django_db

FORM = {
    "email": "Lucia@Example.org",
    "language": "es",
    "areas": ["sunset-park"],
    "topics": ["ice-activity", "idnyc"],
    "wants_digest": "on",
}


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def client():
    # CSRF checks on, as in production: the forms must work without a cookie.
    return Client(enforce_csrf_checks=True)


def assert_no_cookie(response):
    assert "Set-Cookie" not in response.headers
    assert not response.cookies


def link_in(message, pattern: str) -> str:
    match = re.search(pattern, message.body)
    assert match, message.body
    return match.group(0)


def path_of(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def confirm_link(message) -> str:
    return path_of(link_in(message, r"https?://\S+/subscribe/confirm/\S+/"))


# --- Sign-up -----------------------------------------------------------------


def test_subscribe_page_sets_no_cookie_and_has_the_form(client):
    response = client.get("/es/subscribe/")
    assert response.status_code == 200
    assert_no_cookie(response)
    html = response.content.decode()
    assert 'name="email"' in html and 'name="website"' in html
    assert 'value="sunset-park"' in html and 'value="idnyc"' in html
    assert "csrfmiddlewaretoken" not in html
    assert "<script>" not in html and "style=" not in html


def test_invalid_address_keeps_what_was_typed(client):
    response = client.post("/es/subscribe/", {**FORM, "email": "lucia@"})
    assert response.status_code == 400
    assert_no_cookie(response)
    html = response.content.decode()
    assert 'value="lucia@"' in html
    assert re.search(r'value="sunset-park"[^>]*checked|checked[^>]*value="sunset-park"', html)
    assert 'class="field-error"' in html


def test_rate_limit_per_client_address(client, monkeypatch):
    monkeypatch.setattr(views, "SUBSCRIBE_POSTS_PER_CLIENT_PER_HOUR", 3)
    statuses = [
        client.post(
            "/es/subscribe/", {**FORM, "email": f"p{i}@example.org"}, REMOTE_ADDR="203.0.113.9"
        ).status_code
        for i in range(4)
    ]
    assert statuses == [200, 200, 200, 429]
    # Another client is not affected.
    other = client.post(
        "/es/subscribe/", {**FORM, "email": "q@example.org"}, REMOTE_ADDR="198.51.100.7"
    )
    assert other.status_code == 200
    # The cache holds no client address.
    assert not any("203.0.113.9" in key or "198.51.100.7" in key for key in cache_keys())


def cache_keys() -> list[str]:
    backend = cache._cache if hasattr(cache, "_cache") else None
    if isinstance(backend, dict):  # LocMemCache
        return [str(key) for key in backend]
    client = cache._cache.get_client()  # Redis
    return [key.decode() for key in client.keys("*")]


# --- Confirmation -------------------------------------------------------------


def test_confirm_get_changes_nothing_post_activates(client):
    subscriber = make_subscriber(
        "lucia@example.org", status=Subscriber.Status.PENDING, language="es"
    )
    path = f"/es/subscribe/confirm/{make_token(subscriber, CONFIRM)}/"

    page = client.get(path)
    assert page.status_code == 200
    assert_no_cookie(page)
    assert "<form" in page.content.decode()
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING

    done = client.post(path)
    assert done.status_code == 200
    assert_no_cookie(done)
    subscriber = Subscriber.objects.get()
    assert subscriber.status == Subscriber.Status.ACTIVE
    assert subscriber.confirmed_at is not None
    assert "/es/preferences/" in done.content.decode()


def test_a_confirmation_link_works_once(client):
    subscriber = make_subscriber(
        "lucia@example.org", status=Subscriber.Status.PENDING, language="es"
    )
    path = f"/es/subscribe/confirm/{make_token(subscriber, CONFIRM)}/"
    assert client.post(path).status_code == 200
    subscriber.refresh_from_db()
    confirmed_at, version = subscriber.confirmed_at, subscriber.manage_token_version
    with translation.override("es"):
        expected = escape(
            gettext("This confirmation link has already been used: your subscription is active.")
        )
    for method in (client.post, client.get, client.post):
        again = method(path)
        assert again.status_code == 400
        html = again.content.decode()
        assert expected in html  # said plainly, in the reader's language
        assert "/preferences/" not in html, "a second use hands out no management link"
        assert "<form" not in html
    subscriber.refresh_from_db()
    assert subscriber.confirmed_at == confirmed_at
    assert subscriber.manage_token_version == version


def test_tampered_confirm_link_is_a_clear_error_and_changes_nothing(client):
    subscriber = make_subscriber(
        "lucia@example.org", status=Subscriber.Status.PENDING, language="es"
    )
    path = f"/es/subscribe/confirm/{make_token(subscriber, CONFIRM)}/"
    tampered = path[:-3] + ("A" if path[-3] != "A" else "B") + path[-2:]
    with translation.override("es"):
        expected = escape(
            gettext("This link is not valid. Please use the link from your most recent email.")
        )
    for method in (client.get, client.post):
        response = method(tampered)
        assert response.status_code == 400
        assert expected in response.content.decode()  # said in the reader's language
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING


def test_expired_confirm_link_is_a_clear_error_and_changes_nothing(client, monkeypatch, settings):
    subscriber = make_subscriber("late@example.org", status=Subscriber.Status.PENDING)
    real_time = time.time
    monkeypatch.setattr(
        signing.time, "time", lambda: real_time() - (settings.SUBSCRIPTION_CONFIRM_DAYS + 1) * 86400
    )
    token = make_token(subscriber, CONFIRM)
    monkeypatch.setattr(signing.time, "time", real_time)
    response = client.post(f"/en/subscribe/confirm/{token}/")
    assert response.status_code == 400
    assert "expired" in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.PENDING


def test_a_token_for_one_purpose_does_not_work_for_another(client):
    subscriber = make_subscriber("ana@example.org", status=Subscriber.Status.PENDING)
    response = client.post(f"/en/subscribe/confirm/{make_token(subscriber, UNSUBSCRIBE)}/")
    assert response.status_code == 400
    response = client.post(f"/unsubscribe/{make_token(subscriber, CONFIRM)}/")
    assert response.status_code == 400
    assert Subscriber.objects.filter(pk=subscriber.pk, status="pending").exists()


# --- Preferences ----------------------------------------------------------------


def test_preferences_change_language_areas_topics_digest(client):
    subscriber = make_subscriber("ana@example.org", language="es", areas=("queens",))
    token = make_token(subscriber, MANAGE)
    page = client.get(f"/es/preferences/{token}/")
    assert page.status_code == 200
    assert_no_cookie(page)
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert re.search(
        r'value="queens"[^>]*checked|checked[^>]*value="queens"', page.content.decode()
    )

    response = client.post(
        f"/es/preferences/{token}/",
        {
            "language": "ur",
            "areas": ["brooklyn", "sunset-park"],
            "topics": ["nypd-policy"],
            "wants_digest": "on",
        },
    )
    assert response.status_code == 302
    subscriber.refresh_from_db()
    new_token = make_token(subscriber, MANAGE)
    assert new_token != token
    assert response.headers["Location"] == f"/ur/preferences/{new_token}/?saved=1"
    assert subscriber.language == "ur"
    assert {a.slug for a in subscriber.areas.all()} == {"brooklyn", "sunset-park"}
    assert [t.slug for t in subscriber.topics.all()] == ["nypd-policy"]
    assert subscriber.wants_digest is True

    saved = client.get(response.headers["Location"])
    assert saved.status_code == 200
    assert 'dir="rtl"' in saved.content.decode()
    assert 'role="status"' in saved.content.decode()


def test_preferences_reject_unknown_choices_and_change_nothing(client):
    subscriber = make_subscriber("ana@example.org", language="es")
    token = make_token(subscriber, MANAGE)
    response = client.post(f"/es/preferences/{token}/", {"language": "xx", "areas": ["atlantis"]})
    assert response.status_code == 400
    assert 'class="field-error"' in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.language == "es"


def test_leaving_from_the_preferences_page(client):
    subscriber = make_subscriber("ana@example.org")
    token = make_token(subscriber, MANAGE)
    response = client.post(f"/es/preferences/{token}/", {"leave": "1"})
    assert response.status_code == 200
    assert not Subscriber.objects.exists()
    assert SuppressedAddress.objects.filter(email_hash=subscriber.email_hash).exists()
    assert client.get(f"/es/preferences/{token}/").status_code == 400


# --- Unsubscribe -----------------------------------------------------------------


def test_unsubscribe_get_shows_a_button_and_changes_nothing(client):
    subscriber = make_subscriber("ana@example.org", language="ar")
    response = client.get(f"/unsubscribe/{make_token(subscriber, UNSUBSCRIBE)}/")
    assert response.status_code == 200
    assert_no_cookie(response)
    html = response.content.decode()
    assert "<form" in html and 'method="post"' in html
    assert 'lang="ar"' in html and 'dir="rtl"' in html
    assert Subscriber.objects.filter(pk=subscriber.pk, status="active").exists()


def test_one_click_post_unsubscribes_with_200_and_no_redirect():
    subscriber = make_subscriber("ana@example.org")
    token = make_token(subscriber, UNSUBSCRIBE)
    # What a mailbox provider sends (RFC 8058): no cookie, no CSRF token, no login.
    bare = Client(enforce_csrf_checks=True)
    response = bare.post(
        f"/unsubscribe/{token}/",
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert_no_cookie(response)
    assert not Subscriber.objects.exists()
    assert SuppressedAddress.objects.filter(email_hash=subscriber.email_hash).exists()
    # A second click (or a retry by the provider) is still a success.
    assert bare.post(f"/unsubscribe/{token}/").status_code == 200


def test_unsubscribe_with_a_bad_token_is_400():
    response = Client().post("/unsubscribe/not-a-token/")
    assert response.status_code == 400


def test_a_change_replaces_the_management_link(client):
    subscriber = make_subscriber("ana@example.org", language="es", areas=("queens",))
    old = make_token(subscriber, MANAGE)
    response = client.post(
        f"/es/preferences/{old}/", {"language": "es", "areas": ["brooklyn"], "topics": []}
    )
    assert response.status_code == 302
    # The page the subscriber is on still works, under its new address.
    saved = client.get(response.headers["Location"])
    assert saved.status_code == 200
    assert re.search(
        r'value="brooklyn"[^>]*checked|checked[^>]*value="brooklyn"', saved.content.decode()
    )

    # The old link is refused with a clear page, and changes nothing.
    with translation.override("es"):
        expected = escape(
            gettext(
                "This link stopped working when your choices were changed. Please use the link "
                "from your most recent email, or sign up again with your address to get a new one."
            )
        )
    for request in (
        lambda: client.get(f"/es/preferences/{old}/"),
        lambda: client.post(f"/es/preferences/{old}/", {"language": "ur"}),
        lambda: client.post(f"/es/preferences/{old}/", {"leave": "1"}),
    ):
        refused = request()
        assert refused.status_code == 400
        assert expected in refused.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.language == "es"
    assert [a.slug for a in subscriber.areas.all()] == ["brooklyn"]


def test_the_unsubscribe_link_keeps_working_after_a_change(client):
    subscriber = make_subscriber("ana@example.org", language="es")
    unsubscribe = make_token(subscriber, UNSUBSCRIBE)
    manage = make_token(subscriber, MANAGE)
    client.post(f"/es/preferences/{manage}/", {"language": "fr"})
    response = Client(enforce_csrf_checks=True).post(
        f"/unsubscribe/{unsubscribe}/",
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert not Subscriber.objects.exists()


def test_management_links_expire(client, monkeypatch):
    subscriber = make_subscriber("ana@example.org", language="es")
    real_time = time.time
    monkeypatch.setattr(
        signing.time, "time", lambda: real_time() - (tokens.MANAGE_TOKEN_DAYS + 1) * 86400
    )
    old = make_token(subscriber, MANAGE)
    monkeypatch.setattr(signing.time, "time", real_time)
    response = client.get(f"/en/preferences/{old}/")
    assert response.status_code == 400
    assert "expired" in response.content.decode()

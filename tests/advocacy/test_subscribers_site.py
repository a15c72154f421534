"""The sign-up, confirmation, preferences and unsubscribe pages, as a reader uses them."""

import re
import time

import pytest
from django.core import mail, signing
from django.core.cache import cache
from django.test import Client
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from advocacy import views
from advocacy.models import Subscriber, SuppressedAddress
from advocacy.tokens import CONFIRM, MANAGE, UNSUBSCRIBE, make_token
from tests.advocacy.subscriber_factories import make_subscriber

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


def test_sign_up_sends_a_confirmation_in_the_chosen_language(client, settings):
    response = client.post("/en/subscribe/", {**FORM, "language": "ar"})
    assert response.status_code == 200
    assert_no_cookie(response)
    subscriber = Subscriber.objects.for_email("lucia@example.org").get()
    assert subscriber.status == Subscriber.Status.PENDING
    assert subscriber.language == "ar"
    assert {a.slug for a in subscriber.areas.all()} == {"sunset-park"}
    assert {t.slug for t in subscriber.topics.all()} == {"ice-activity", "idnyc"}
    assert subscriber.wants_digest is True

    [message] = mail.outbox
    assert message.to == ["lucia@example.org"]
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert 'lang="ar"' in html and 'dir="rtl"' in html
    assert link_in(message, r"https?://\S+/subscribe/confirm/\S+/").startswith(
        f"{settings.SITE_URL}/ar/subscribe/confirm/"
    )
    assert "List-Unsubscribe" in message.extra_headers


def test_same_answer_for_unknown_pending_and_active_addresses(client):
    make_subscriber("active@example.org")
    make_subscriber("pending@example.org", status=Subscriber.Status.PENDING)
    answers = []
    for address in ("new@example.org", "pending@example.org", "ACTIVE@example.org"):
        response = client.post("/es/subscribe/", {**FORM, "email": address})
        # Expires carries the current second; everything else must match.
        headers = sorted(
            (k, v) for k, v in response.headers.items() if k not in ("Expires", "Date")
        )
        answers.append((response.status_code, response.content, headers))
    assert answers[0] == answers[1] == answers[2]
    # Each address got exactly one mail; the active one is told, not re-confirmed.
    assert sorted(m.to[0] for m in mail.outbox) == [
        "active@example.org",
        "new@example.org",
        "pending@example.org",
    ]
    to_active = next(m for m in mail.outbox if m.to == ["active@example.org"])
    assert "/subscribe/confirm/" not in to_active.body
    assert "/preferences/" in to_active.body
    # The active subscriber's choices were not changed by a stranger's form.
    assert not Subscriber.objects.for_email("active@example.org").get().areas.exists()


def test_invalid_address_keeps_what_was_typed(client):
    response = client.post("/es/subscribe/", {**FORM, "email": "lucia@"})
    assert response.status_code == 400
    assert_no_cookie(response)
    html = response.content.decode()
    assert 'value="lucia@"' in html
    assert re.search(r'value="sunset-park"[^>]*checked|checked[^>]*value="sunset-park"', html)
    assert 'class="field-error"' in html
    assert not Subscriber.objects.exists()
    assert mail.outbox == []


def test_honeypot_gets_the_usual_answer_and_nothing_happens(client):
    normal = client.post("/es/subscribe/", {**FORM, "email": "real@example.org"})
    trapped = client.post("/es/subscribe/", {**FORM, "email": "bot@example.org", "website": "x"})
    assert trapped.status_code == normal.status_code == 200
    assert trapped.content == normal.content
    assert not Subscriber.objects.for_email("bot@example.org").exists()
    assert [m.to for m in mail.outbox] == [["real@example.org"]]


def test_rate_limit_per_client_address(client, monkeypatch):
    monkeypatch.setattr(views, "SUBSCRIBE_POSTS_PER_CLIENT_PER_HOUR", 3)
    statuses = [
        client.post(
            "/es/subscribe/", {**FORM, "email": f"p{i}@example.org"}, REMOTE_ADDR="203.0.113.9"
        ).status_code
        for i in range(4)
    ]
    assert statuses == [200, 200, 200, 429]
    assert Subscriber.objects.count() == 3
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


def test_rate_limit_per_address_stops_mail_flooding(client):
    for _ in range(5):
        response = client.post("/es/subscribe/", FORM)
        assert response.status_code == 200
    assert len(mail.outbox) == 3


# --- Confirmation -------------------------------------------------------------


def test_confirm_get_changes_nothing_post_activates(client):
    client.post("/es/subscribe/", FORM)
    path = confirm_link(mail.outbox[0])
    assert path.startswith("/es/subscribe/confirm/")

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


def test_tampered_confirm_link_is_a_clear_error_and_changes_nothing(client):
    client.post("/es/subscribe/", FORM)
    path = confirm_link(mail.outbox[0])
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
    assert response.headers["Location"] == f"/ur/preferences/{token}/?saved=1"
    subscriber.refresh_from_db()
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


def test_people_who_left_are_not_mailed_again_without_a_new_confirmation(client):
    subscriber = make_subscriber("ana@example.org")
    client.post(f"/unsubscribe/{make_token(subscriber, UNSUBSCRIBE)}/")
    assert not Subscriber.objects.active().exists()

    # Signing up again is a new opt-in: pending, and still suppressed, until confirmed.
    client.post("/es/subscribe/", {**FORM, "email": "ana@example.org"})
    again = Subscriber.objects.get()
    assert again.status == Subscriber.Status.PENDING
    assert not Subscriber.objects.active().exists()
    assert SuppressedAddress.objects.filter(email_hash=again.email_hash).exists()

    client.post(confirm_link(mail.outbox[-1]))
    again.refresh_from_db()
    assert again.status == Subscriber.Status.ACTIVE
    assert not SuppressedAddress.objects.exists()

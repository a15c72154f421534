"""Behind the TLS proxy, under gunicorn with production settings: where a
request comes from is decided by TRUSTED_PROXY_COUNT alone, for the sign-in
lockout and the rate limits alike; one person's failed sign-ins never lock
out colleagues behind the same address; guessing from many addresses meets
growing delays; documents download as inert attachments; feed links name
SITE_URL whatever Host asked.

Two servers: one behind one proxy (the proxy appends the address it saw to
X-Forwarded-For), one with no proxy configured (gunicorn reached directly,
X-Forwarded-For written by the client). Counts live in the real Redis the
server's two workers share.
"""

from __future__ import annotations

import json
import re
import time
import uuid

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from wagtail.documents import get_document_model
from wagtail.models import Collection, Locale

from core.ratelimit import client_address
from tests.security.production_server import SITE_URL, ProductionServer

# The servers read what the tests write, so the tests' writes are committed.
server_test = pytest.mark.django_db(transaction=True)

PASSWORD = "a long and correct passphrase 42"
WRONG = "not the passphrase at all 00"
OFFICE = "203.0.113.10"  # one router, a whole office behind it
ELSEWHERE = "198.51.100.20"


@pytest.fixture(scope="module")
def behind_one_proxy(django_db_setup, django_db_blocker):
    server = ProductionServer(trusted_proxy_count=1).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def without_proxy(django_db_setup, django_db_blocker):
    server = ProductionServer(trusted_proxy_count=0).start()
    yield server
    server.stop()


@pytest.fixture
def make_editor(django_user_model):
    """Editors with unique names: axes' own counts outlive a test run in Redis."""

    def make(role: str):
        user = django_user_model.objects.create_user(
            f"{role}-{uuid.uuid4().hex[:8]}", f"{role}@example.org"
        )
        # Hashed as production checks it (the test settings' MD5 hasher is
        # not among production's), with few iterations to stay quick.
        hasher = PBKDF2PasswordHasher()
        user.password = hasher.encode(PASSWORD, hasher.salt(), iterations=1000)
        user.save(update_fields=["password"])
        user.user_permissions.add(Permission.objects.get(codename="access_admin"))
        return user.username

    return make


def signed_in(response) -> bool:
    return response.status == 302 and response.headers["Location"] == "/admin/"


def refused(response) -> bool:
    return response.status == 429


def wait_shown(response) -> int:
    """The wait the refusal page states, checked against its Retry-After."""
    match = re.search(r"Try again in (\d+) (second|minute)", response.text)
    assert match, response.text[:2000]
    seconds = int(match.group(1)) * (60 if match.group(2) == "minute" else 1)
    assert int(response.headers["Retry-After"]) == seconds
    return seconds


def proxied(client_address: str, forged: str | None = None) -> str:
    """X-Forwarded-For as the one proxy passes it: what the client sent, then what it saw."""
    return f"{forged}, {client_address}" if forged else client_address


@server_test
def test_five_typos_lock_only_that_account_from_that_address(behind_one_proxy, make_editor):
    typist, colleague = make_editor("typist"), make_editor("colleague")
    office = behind_one_proxy.browser()

    answers = [office.sign_in(typist, WRONG, forwarded_for=proxied(OFFICE)) for _ in range(5)]
    assert [a.status for a in answers[:4]] == [200] * 4, "wrong password, form shown again"
    assert refused(answers[4])
    assert wait_shown(answers[4]) == 15 * 60

    # The typist, even with the right password, waits at that address…
    assert refused(office.sign_in(typist, PASSWORD, forwarded_for=proxied(OFFICE)))
    # …and cannot dodge it by writing another address before the proxy's.
    forged = proxied(OFFICE, forged=ELSEWHERE)
    assert refused(behind_one_proxy.browser().sign_in(typist, PASSWORD, forwarded_for=forged))
    # A colleague behind the same address signs in.
    colleague_browser = behind_one_proxy.browser()
    assert signed_in(colleague_browser.sign_in(colleague, PASSWORD, forwarded_for=OFFICE))
    # The typist signs in from another address (a phone on mobile data).
    phone = behind_one_proxy.browser()
    assert signed_in(phone.sign_in(typist, PASSWORD, forwarded_for=proxied(ELSEWHERE)))


@server_test
def test_guessing_one_account_from_many_addresses_meets_growing_delays(
    behind_one_proxy, make_editor
):
    target = make_editor("target")
    addresses = (f"192.0.2.{n}" for n in range(1, 200))

    def attempt(password: str):
        return behind_one_proxy.browser().sign_in(
            target, password, forwarded_for=proxied(next(addresses))
        )

    # Ten failures from ten addresses: none of them reaches an address's limit.
    assert [attempt(WRONG).status for _ in range(10)] == [200] * 10
    # Then every attempt waits, longer each time; an early one is refused
    # without its password being checked (the right one does not help).
    first = attempt(PASSWORD)
    assert refused(first)
    first_wait = wait_shown(first)
    assert first_wait == 2
    time.sleep(first_wait + 0.5)
    assert attempt(WRONG).status == 200, "after the wait the attempt is checked"
    second = attempt(PASSWORD)
    assert refused(second)
    second_wait = wait_shown(second)
    assert second_wait == 2 * first_wait
    # Not a lockout: once the wait is over the owner signs in, and the count
    # starts again.
    time.sleep(second_wait + 0.5)
    assert signed_in(attempt(PASSWORD))
    assert attempt(WRONG).status == 200


def sign_up(browser, number: int, forwarded_for: str):
    form = {"email": f"person{number}-{uuid.uuid4().hex[:6]}@example.org", "language": "en"}
    return browser.post_form("/en/subscribe/", form, forwarded_for=forwarded_for)


def api_sign_up(browser, number: int, forwarded_for: str):
    body = {"email": f"api{number}-{uuid.uuid4().hex[:6]}@example.org", "language": "en"}
    return browser.post_json(
        "/api/v1/subscriptions/", json.dumps(body), forwarded_for=forwarded_for
    )


def within_one_hour_window(seconds_needed: int = 180) -> None:
    """The limits count per clock hour (fixed windows): start where the
    requests cannot straddle the turn of an hour, which would reset the count."""
    left = 3600 - time.time() % 3600
    if left < seconds_needed:
        time.sleep(left + 1)


SIGN_UP_LIMIT = 30  # advocacy.views.SUBSCRIBE_POSTS_PER_CLIENT_PER_HOUR
API_LIMIT = 20  # REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["subscriptions"]


@server_test
def test_without_a_proxy_a_forged_x_forwarded_for_changes_nothing(without_proxy):
    within_one_hour_window()
    browser = without_proxy.browser()
    rotating = (f"198.51.100.{n}" for n in range(1, 250))

    answers = [sign_up(browser, n, next(rotating)) for n in range(SIGN_UP_LIMIT + 1)]
    assert not any(refused(a) for a in answers[:SIGN_UP_LIMIT])
    assert refused(answers[SIGN_UP_LIMIT])

    answers = [api_sign_up(browser, n, next(rotating)) for n in range(API_LIMIT + 1)]
    assert [a.status for a in answers[:API_LIMIT]] == [202] * API_LIMIT
    assert refused(answers[API_LIMIT])
    assert answers[API_LIMIT].headers["Retry-After"]


@server_test
def test_behind_one_proxy_the_address_it_appended_counts(behind_one_proxy):
    within_one_hour_window()
    browser = behind_one_proxy.browser()
    client, neighbour = "203.0.113.77", "203.0.113.78"
    rotating = (f"198.51.100.{n}" for n in range(1, 250))

    answers = [
        sign_up(browser, n, proxied(client, forged=next(rotating)))
        for n in range(SIGN_UP_LIMIT + 1)
    ]
    assert not any(refused(a) for a in answers[:SIGN_UP_LIMIT])
    assert refused(answers[SIGN_UP_LIMIT])
    assert not refused(sign_up(browser, 99, proxied(neighbour)))

    answers = [
        api_sign_up(browser, n, proxied(client, forged=next(rotating)))
        for n in range(API_LIMIT + 1)
    ]
    assert [a.status for a in answers[:API_LIMIT]] == [202] * API_LIMIT
    assert refused(answers[API_LIMIT])
    assert api_sign_up(browser, 99, proxied(neighbour)).status == 202


@server_test
@pytest.mark.parametrize(
    "name, content",
    [
        ("page.html", b"<html><script>alert(document.cookie)</script></html>"),
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
    ],
)
def test_an_uploaded_document_downloads_as_an_inert_attachment(behind_one_proxy, name, content):
    collection = Collection.get_first_root_node() or Collection.add_root(name="Root")
    document = get_document_model().objects.create(
        title=name, file=ContentFile(content, name=name), collection=collection
    )

    served = behind_one_proxy.browser().get(document.url)

    assert served.status == 200, behind_one_proxy.log()[-3000:]
    assert served.body == content
    assert served.headers["Content-Disposition"].startswith("attachment")
    assert served.headers["Content-Type"] == "application/octet-stream"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in served.headers["Content-Security-Policy"].split("; ")
    # Production serves no file from /media/ itself.
    assert behind_one_proxy.browser().get(f"/media/{document.file.name}").status == 404


@server_test
def test_feed_links_name_site_url_whichever_host_asked_first(behind_one_proxy):
    Locale.objects.get_or_create(language_code="en")
    for host in ("localhost", "127.0.0.1"):
        feed = behind_one_proxy.browser().get("/en/alerts/feed/", host=host)
        assert feed.status == 200
        assert f'href="{SITE_URL}/en/alerts/"' in feed.text
        assert f'href="{SITE_URL}/en/alerts/feed/"' in feed.text
        assert "localhost" not in feed.text and "127.0.0.1" not in feed.text


@pytest.mark.parametrize(
    "proxies, forwarded_for, counted",
    [
        (0, "198.51.100.1", "10.0.0.1"),  # no proxy: the header is anyone's
        (1, "198.51.100.1, 203.0.113.5", "203.0.113.5"),  # what the proxy appended
        (2, "198.51.100.1, 203.0.113.5, 10.1.1.1", "203.0.113.5"),  # a CDN, then nginx
        (2, "203.0.113.5", "203.0.113.5"),  # came through one of the two only
        (1, "", "10.0.0.1"),  # not through the proxy at all
        (1, "198.51.100.1, not-an-address", "10.0.0.1"),
    ],
)
def test_the_client_address_is_the_one_the_trusted_proxies_saw(
    rf, settings, proxies, forwarded_for, counted
):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded_for)
    assert client_address(request) == counted

"""No request gets a 500, and every API error is the JSON envelope, in production too.

A partner's app reads `{"error": {"code", "message", "fields"}}` whatever went
wrong: deeply nested JSON, full-text query syntax in `q`, a path or method no
endpoint answers, or an error nobody foresaw.
"""

from __future__ import annotations

import json

import pytest
from django.test import Client, RequestFactory, override_settings
from django.urls import get_resolver

from advocacy.tokens import MANAGE, make_token
from tests.factories.advocacy import make_subscriber
from tests.factories.know_your_rights import make_guide

pytestmark = pytest.mark.django_db

# 16 KB (the most an API body may be) of arrays inside arrays.
DEEP_JSON = "[" * 8192 + "]" * 8192
DEEP_OBJECT = '{"email": ' * 1400 + "1" + "}" * 1400

# Every character the full-text engines (SQLite FTS5, PostgreSQL tsquery)
# give a meaning to, alone, unbalanced, mixed with words, and long.
FTS_QUERIES = [
    '"',
    "'",
    '"arrested',
    'arrested"',
    "(",
    ")",
    "(arrested",
    "arrested)",
    "&",
    "|",
    "!",
    ":",
    "*",
    "\\",
    "^",
    "-",
    "+",
    "{",
    "}",
    "NEAR(",
    "AND",
    "OR NOT",
    "arrested:*",
    "!arrested & (you | idnyc)",
    "\"if you\" 'are' (arrested) & | ! : * \\",
    '\\"\' "(&|!:*\\',
    '"' * 200,
    "(" * 200,
    "a" * 200,
    "arrested " + '"(&|!:*\\' * 20,
]


def assert_envelope(response, status: int) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    error = json.loads(response.content)["error"]
    assert set(error) >= {"code", "message", "fields"} and error["message"]
    return error


@pytest.fixture
def quiet_client():
    """A client that gets the 500 page a visitor would, instead of the exception."""
    return Client(raise_request_exception=False)


@pytest.mark.parametrize("body", [DEEP_JSON, DEEP_OBJECT])
def test_deeply_nested_json_is_a_400_on_every_write_endpoint(quiet_client, body):
    subscriber = make_subscriber("ana@example.org")
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {make_token(subscriber, MANAGE)}"}
    assert len(body.encode()) <= 16 * 1024
    for method, url, extra in (
        ("post", "/api/v1/subscriptions/", {}),
        ("post", "/api/v1/subscriptions/confirm/", {}),
        ("patch", "/api/v1/subscriptions/me/", bearer),
    ):
        response = getattr(quiet_client, method)(
            url, body, content_type="application/json", **extra
        )
        error = assert_envelope(response, 400)
        assert error["code"] == "parse_error", (url, error)
    subscriber.refresh_from_db()
    assert subscriber.language == "en"


def test_ordinary_nesting_is_still_read(client):
    response = client.post(
        "/api/v1/subscriptions/",
        json.dumps({"email": "a@example.org", "language": "en", "areas": [["x"]]}),
        content_type="application/json",
    )
    # Read, then refused by name: a list of lists is not a list of slugs.
    assert "areas" in assert_envelope(response, 400)["fields"]


@pytest.mark.parametrize("query", FTS_QUERIES)
def test_full_text_syntax_in_q_never_fails_the_guide_list(quiet_client, query):
    make_guide("if-you-are-arrested", "If you are arrested")
    response = quiet_client.get("/api/v1/guides/", {"q": query})
    assert response.status_code == 200, response.content[:300]
    assert isinstance(response.json()["results"], list)


def test_q_still_finds_the_words_around_the_syntax(client):
    make_guide("if-you-are-arrested", "If you are arrested")
    make_guide("your-idnyc", "Your IDNYC")
    for query in ('"arrested"', "(arrested)", "arrested!", "arrested:*"):
        found = client.get("/api/v1/guides/", {"q": query}).json()["results"]
        assert [guide["slug"] for guide in found] == ["if-you-are-arrested"], query


@pytest.mark.parametrize("query", FTS_QUERIES)
def test_full_text_syntax_never_fails_the_site_search(quiet_client, query):
    make_guide("if-you-are-arrested", "If you are arrested")
    response = quiet_client.get("/en/search/", {"q": query})
    assert response.status_code == 200


@override_settings(DEBUG=False)
@pytest.mark.parametrize(
    "path", ["/api/v1/nonexistent/", "/api/", "/api/v2/guides/", "/api/nothing"]
)
def test_an_unknown_api_path_is_a_json_404_in_production(quiet_client, path):
    response = quiet_client.get(path)
    assert assert_envelope(response, 404)["code"] == "not_found"


@override_settings(DEBUG=False)
def test_a_method_no_endpoint_takes_is_a_json_405_in_production(quiet_client):
    response = quiet_client.put("/api/v1/guides/", "{}", content_type="application/json")
    assert assert_envelope(response, 405)["code"] == "method_not_allowed"


@override_settings(DEBUG=False)
def test_an_unforeseen_error_under_the_api_is_a_json_500_and_elsewhere_the_site_page():
    # What Django calls when a view raises something nobody caught.
    handler = get_resolver().resolve_error_handler(500)
    api = handler(RequestFactory().get("/api/v1/guides/"))
    error = assert_envelope(api, 500)
    assert error["code"] == "server_error"
    site = handler(RequestFactory().get("/en/"))
    assert site.status_code == 500
    assert not site["Content-Type"].startswith("application/json")

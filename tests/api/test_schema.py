"""The OpenAPI schema validates, the docs work under the site's CSP, and
schemathesis finds no 5xx and no answer that breaks the schema.

schemathesis runs in-process against the Django WSGI app (no server), with
valid and invalid data for every operation and a bounded number of examples.
"""

from __future__ import annotations

import re

import hypothesis
import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import override_settings
from rest_framework.settings import api_settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.factories.advocacy import ensure_areas, publish_alert
from tests.factories.know_your_rights import (
    GuideUpdateMarkFactory,
    PolicyEventFactory,
    body_citing,
    make_guide,
    make_hotline,
    make_statement,
    translate_guide,
)

pytestmark = pytest.mark.django_db

EXAMPLES_PER_OPERATION = 25
# Left out: "positive data acceptance" expects a 2xx for any schema-valid
# request, but a valid-looking area slug or token that names nothing is
# answered with a documented 400. Every other check runs (no 5xx, status
# codes, content types, headers and bodies conforming to the schema,
# invalid data rejected).


def test_schema_validates_and_documents_every_endpoint(client):
    from drf_spectacular.validation import validate_schema as validate

    schema = client.get("/api/v1/schema/", {"format": "json"}).json()
    validate(schema)
    paths = schema["paths"]
    assert set(paths) == {
        "/api/v1/languages/",
        "/api/v1/guides/",
        "/api/v1/guides/{id}/",
        "/api/v1/policy-statements/",
        "/api/v1/policy-statements/{id}/history/",
        "/api/v1/policy-changes/",
        "/api/v1/hotlines/",
        "/api/v1/alerts/",
        "/api/v1/areas/",
        "/api/v1/topics/",
        "/api/v1/subscriptions/",
        "/api/v1/subscriptions/confirm/",
        "/api/v1/subscriptions/me/",
    }
    assert {p["name"] for p in paths["/api/v1/alerts/"]["get"]["parameters"]} >= {
        "lang",
        "area",
        "topic",
        "urgency",
        "since",
        "include_expired",
        "page",
        "page_size",
    }
    assert {p["name"] for p in paths["/api/v1/policy-changes/"]["get"]["parameters"]} >= {
        "lang",
        "since",
        "page",
        "page_size",
    }
    schemas = schema["components"]["schemas"]
    assert "needs_update" in schemas["Guide"]["properties"]
    assert "needs_update" in schemas["GuideDetail"]["properties"]
    assert {"url", "effective", "source", "corrects", "superseded_by"} <= set(
        schemas["PolicyEvent"]["properties"]
    )
    assert "recorded_by" not in schemas["PolicyEvent"]["properties"]
    guides = paths["/api/v1/guides/"]["get"]["responses"]
    assert {"200", "304", "400", "404"} <= set(guides)
    assert guides["400"]["content"]["application/json"]["schema"]["$ref"].endswith("/Error")
    subscribe = paths["/api/v1/subscriptions/"]["post"]["responses"]
    assert {"202", "400", "413", "415", "429"} <= set(subscribe)
    assert "401" in paths["/api/v1/subscriptions/me/"]["delete"]["responses"]


def test_docs_are_served_from_local_assets_without_inline_script(client):
    for url in ("/api/v1/docs/", "/api/v1/docs/redoc/"):
        response = client.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        assert "<script>" not in html and "<style" not in html and "style=" not in html
        assert "http://" not in html and "https://" not in html  # no CDN
        for src in re.findall(r'src="([^"]+)"', html):
            assert src.startswith("/"), src
            assert client.get(src).status_code == 200, src
        policy = response["Content-Security-Policy"]
        script_src = next(p for p in policy.split(";") if p.strip().startswith("script-src"))
        assert script_src.strip() == "script-src 'self'" and "unsafe-eval" not in policy
    # Only the docs pages get the relaxed style policy ReDoc needs.
    assert "unsafe-inline" not in client.get("/api/v1/guides/")["Content-Security-Policy"]
    script = client.get("/api/v1/docs/", {"script": ""})
    assert script["Content-Type"].startswith("application/javascript")
    assert "/api/v1/schema/" in script.content.decode()


@pytest.fixture
def content():
    ensure_areas()
    statement = make_statement("idnyc-accepted")
    guide = make_guide("your-idnyc", body=body_citing([statement], make_hotline()))
    translate_guide(guide, "es", "Su IDNYC")
    PolicyEventFactory(statement=statement, first_version=True)
    change = PolicyEventFactory(statement=statement, superseded_by=make_statement("replacement"))
    GuideUpdateMarkFactory(event=change, page=guide)
    publish_alert("Checkpoint", translations=("es",))


@pytest.fixture
def wsgi_app():
    """Django's WSGI app that keeps the test's database connection (as the test client does)."""
    signals = (request_started, request_finished)
    for signal in signals:
        signal.disconnect(close_old_connections)
    yield WSGIHandler()
    for signal in signals:
        signal.connect(close_old_connections)


def test_schemathesis_finds_no_server_error_and_no_schema_violation(content, wsgi_app):
    raw = {
        **api_settings.user_settings,
        "DEFAULT_THROTTLE_RATES": {
            name: "100000/hour" for name in api_settings.DEFAULT_THROTTLE_RATES
        },
    }
    with override_settings(REST_FRAMEWORK=raw):
        schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", wsgi_app)
        failures = []
        for result in schema.get_all_operations():
            operation = result.ok()
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

                @hypothesis.settings(
                    max_examples=EXAMPLES_PER_OPERATION,
                    deadline=None,
                    database=None,
                    derandomize=True,
                    suppress_health_check=list(hypothesis.HealthCheck),
                    phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
                )
                @hypothesis.given(case=operation.as_strategy(generation_mode=mode))
                def check(case):
                    # In-process, schemathesis asks for gzip but never decodes
                    # it; the gzip path is exercised over HTTP in test_schema_live.
                    case.call_and_validate(
                        headers={"Accept-Encoding": "identity"},
                        excluded_checks=[positive_data_acceptance],
                    )

                try:
                    check()
                except BaseException as error:  # noqa: BLE001 - collect all, report together
                    if isinstance(error, KeyboardInterrupt):
                        raise
                    failures.append(f"{operation.label} [{mode.value}]: {error}")
    assert not failures, "\n\n".join(failures)

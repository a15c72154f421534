"""schemathesis against the live server (gunicorn over HTTP), as a partner's
client meets the API: no 5xx and no answer that breaks the schema, for
every operation without credentials, and for the subscriber's own
operations (`/api/v1/subscriptions/me/`) again with a valid Bearer token,
so they are exercised past the 401 an anonymous call gets.

Each call gets a fresh subscriber and manage token (a change replaces the
token and a DELETE ends the subscription, so a token is good for one call),
and the server's throttle counts are emptied first: the server keeps them
in a Redis database of its own, which this test flushes.
"""

from __future__ import annotations

import os
import subprocess
import time
import urllib.request
from urllib.parse import urlsplit, urlunsplit

import hypothesis
import pytest
import redis
import schemathesis
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from advocacy.tokens import MANAGE, make_token
from tests.factories.advocacy import ensure_areas, make_subscriber, publish_alert
from tests.factories.know_your_rights import (
    body_citing,
    make_guide,
    make_hotline,
    make_statement,
    translate_guide,
)
from tests.support.network import free_port
from tests.support.processes import ROOT, gunicorn_command, subprocess_env

# The server reads what the test writes (content, subscribers), so it is committed.
pytestmark = pytest.mark.django_db(transaction=True)

EXAMPLES_PER_OPERATION = 15
SERVER_REDIS_DATABASE = 12
ME = "/api/v1/subscriptions/me/"


def server_redis_url() -> str:
    """REDIS_URL's server (else this machine's), in a database only the live server uses."""
    parts = urlsplit(os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/2")
    return urlunsplit(parts._replace(path=f"/{SERVER_REDIS_DATABASE}"))


@pytest.fixture
def live_api(tmp_path):
    ensure_areas()
    statement = make_statement("idnyc-accepted")
    guide = make_guide("your-idnyc", body=body_citing([statement], make_hotline()))
    translate_guide(guide, "es", "Su IDNYC")
    publish_alert("Checkpoint", translations=("es",))

    port = free_port()
    redis_url = server_redis_url()
    log_path = tmp_path / "gunicorn.log"
    # Its own embedded broker and no mail out: the sign-ups schemathesis makes
    # must not reach another test's worker through a shared Redis broker.
    env = subprocess_env(
        FARO_VAR_DIR=str(tmp_path),
        REDIS_URL=redis_url,
        CELERY_BROKER_URL="filesystem://",
        CELERY_RESULT_BACKEND="",
        EMAIL_URL="memory://",
    )
    with log_path.open("wb") as log:
        server = subprocess.Popen(
            gunicorn_command(port),
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert server.poll() is None, log_path.read_text(errors="replace")
            try:
                with urllib.request.urlopen(f"{url}/healthz", timeout=2):
                    break
            except OSError:
                assert time.monotonic() < deadline, log_path.read_text(errors="replace")
                time.sleep(0.3)
        yield url, redis.Redis.from_url(redis_url)
    finally:
        server.terminate()
        server.wait(timeout=30)
        log = log_path.read_text(errors="replace")
        assert "Traceback" not in log, log[-4000:]


def run_operation(url, operation, mode, before_call, statuses: list[int]) -> str | None:
    """Generate cases for one operation and mode against the server at `url`;
    the answers' status codes go to `statuses`; the failure, if any, as text."""

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
        # "Positive data acceptance" expects a 2xx for any schema-valid
        # request, but a valid-looking slug that names nothing is a
        # documented 400; every other check runs.
        headers = before_call()
        response = case.call(base_url=url, headers=headers)
        statuses.append(response.status_code)
        # gunicorn refuses a request line over 4094 bytes with its own 414
        # before Faro sees it (random query strings reach that): a refusal,
        # the answer a proxy in production gives too.
        if response.status_code == 414:
            return
        case.validate_response(
            response, headers=headers, excluded_checks=[positive_data_acceptance]
        )

    try:
        check()
    except BaseException as error:  # noqa: BLE001 - collect all, report together
        if isinstance(error, KeyboardInterrupt):
            raise
        return f"{operation.label} [{mode.value}]: {error}"
    return None


def test_the_live_server_answers_every_operation_by_its_schema(live_api):
    url, server_redis = live_api
    schema = schemathesis.openapi.from_url(f"{url}/api/v1/schema/?format=json")
    number = iter(range(10**6))

    def anonymous() -> dict:
        server_redis.flushdb()
        return {}

    def with_token() -> dict:
        server_redis.flushdb()
        subscriber = make_subscriber(f"schema-{next(number)}@example.org", areas=("brooklyn",))
        return {"Authorization": f"Bearer {make_token(subscriber, MANAGE)}"}

    failures = []
    statuses: dict[tuple[str, str], list[int]] = {}
    for result in schema.get_all_operations():
        operation = result.ok()
        runs = [anonymous] + ([with_token] if operation.path == ME else [])
        for before_call in runs:
            answered = statuses.setdefault((operation.label, before_call.__name__), [])
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                failure = run_operation(url, operation, mode, before_call, answered)
                if failure:
                    failures.append(f"{failure} ({before_call.__name__})")
    assert not failures, "\n\n".join(failures)

    # With a token, the subscriber's own operations were answered as for a
    # subscriber (read, changed, ended), not only refused.
    for method, success in (("GET", 200), ("PATCH", 200), ("DELETE", 204)):
        answered = statuses[(f"{method} {ME}", "with_token")]
        assert success in answered, (method, sorted(set(answered)))
        assert 401 in statuses[(f"{method} {ME}", "anonymous")]

"""docker-compose.yml: valid, and every required production variable is set."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from cms.settings.environment import PRODUCTION_REQUIRED

ROOT = Path(__file__).resolve().parents[2]
APP_SERVICES = ("web", "worker", "worker-urgent", "beat")


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


@pytest.mark.parametrize("service", APP_SERVICES)
def test_every_required_production_variable_is_set(compose, service):
    environment = compose["services"][service]["environment"]
    assert environment["DJANGO_SETTINGS_MODULE"] == "cms.settings.production"
    missing = [name for name in PRODUCTION_REQUIRED if not str(environment.get(name) or "").strip()]
    assert missing == []


def test_services_have_health_checks_and_queues(compose):
    services = compose["services"]
    for name in (*APP_SERVICES, "postgres", "redis"):
        assert "healthcheck" in services[name], name
    assert "--queues default,media" in services["worker"]["command"]
    assert "--queues urgent" in services["worker-urgent"]["command"]
    assert "gunicorn" in services["web"]["command"]


def test_gunicorn_is_published_to_the_proxy_on_this_host_only(compose):
    # A port published on all interfaces lets anyone reach gunicorn without
    # the proxy and write their own X-Forwarded-For.
    for name, service in compose["services"].items():
        for port in service.get("ports", []):
            published = (
                port if isinstance(port, str) else f"{port.get('host_ip', '')}:{port['published']}"
            )
            assert published.startswith("127.0.0.1:"), (name, port)
    assert compose["services"]["web"]["ports"] == ["127.0.0.1:8000:8000"]
    # The one proxy in front is the one whose X-Forwarded-For entry counts.
    assert compose["services"]["web"]["environment"]["TRUSTED_PROXY_COUNT"] == (
        "${TRUSTED_PROXY_COUNT:-1}"
    )


@pytest.mark.skipif(
    shutil.which("docker-compose") is None, reason="Debian's docker-compose is not installed"
)
def test_docker_compose_config_validates(tmp_path):
    env = {
        **os.environ,
        "SECRET_KEY": "x",
        "POSTGRES_PASSWORD": "x",
        "EMAIL_URL": "smtp://mail:25",
        "FIELD_ENCRYPTION_KEYS": "k",
        "SUBSCRIBER_HASH_KEY": "h",
    }
    result = subprocess.run(
        ["docker-compose", "-f", str(ROOT / "docker-compose.yml"), "config", "--quiet"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    resolved = subprocess.run(
        ["docker-compose", "-f", str(ROOT / "docker-compose.yml"), "config"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    # As docker-compose itself reads it: the web port on loopback only
    # (1.29 writes "127.0.0.1:8000:8000/tcp", newer ones a mapping).
    (port,) = yaml.safe_load(resolved)["services"]["web"]["ports"]
    if isinstance(port, dict):
        assert (port.get("host_ip"), str(port.get("published"))) == ("127.0.0.1", "8000")
    else:
        assert port.startswith("127.0.0.1:8000:"), port


def test_gunicorn_access_log_has_no_client_address_or_path():
    namespace: dict = {}
    exec((ROOT / "deploy" / "gunicorn.conf.py").read_text(), namespace)
    log_format = namespace["access_log_format"]
    # h: remote address, r: request line, U: path, q: query, a: user agent, {…}i: headers
    assert not re.search(r"%\((h|r|U|q|a|f|u)\)s|\{[^}]*\}[ie]", log_format), log_format

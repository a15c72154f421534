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
    assert "--queues default" in services["worker"]["command"]
    assert "--queues urgent" in services["worker-urgent"]["command"]
    assert "gunicorn" in services["web"]["command"]


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


def test_gunicorn_access_log_has_no_client_address_or_path():
    namespace: dict = {}
    exec((ROOT / "deploy" / "gunicorn.conf.py").read_text(), namespace)
    log_format = namespace["access_log_format"]
    # h: remote address, r: request line, U: path, q: query, a: user agent, {…}i: headers
    assert not re.search(r"%\((h|r|U|q|a|f|u)\)s|\{[^}]*\}[ie]", log_format), log_format

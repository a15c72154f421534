"""docker-compose.yml's optional Kannel: a service under the "sms" profile
(never started by a plain `up`), built from Debian's kannel package, with the
operator's kannel.conf mounted read-only and nothing published on the host;
the file stays valid for docker-compose with and without the profile."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker-compose.yml"
REQUIRED = {
    "SECRET_KEY": "x",
    "POSTGRES_PASSWORD": "x",
    "EMAIL_URL": "smtp://mail:25",
    "FIELD_ENCRYPTION_KEYS": "k",
    "SUBSCRIBER_HASH_KEY": "h",
}


@pytest.fixture(scope="module")
def services():
    return yaml.safe_load(COMPOSE.read_text())["services"]


def test_kannel_is_only_in_the_sms_profile(services):
    assert services["kannel"]["profiles"] == ["sms"]
    started_by_default = [name for name, service in services.items() if "profiles" not in service]
    assert "kannel" not in started_by_default
    assert {"web", "worker", "worker-urgent", "beat", "postgres", "redis"} <= set(
        started_by_default
    )


def test_kannel_runs_bearerbox_and_smsbox_from_debians_package(services):
    kannel = services["kannel"]
    build = ROOT / kannel["build"]
    dockerfile = (build / "Dockerfile").read_text()
    assert "FROM debian:" in dockerfile and "install" in dockerfile and " kannel" in dockerfile
    start = (build / "start-kannel").read_text()
    assert "bearerbox" in start and "smsbox" in start
    assert os.access(build / "start-kannel", os.X_OK)
    (mount,) = kannel["volumes"]
    assert mount.endswith(":/etc/kannel/kannel.conf:ro")
    assert "ports" not in kannel  # Faro reaches it on the compose network only
    assert "healthcheck" in kannel


def test_the_example_conf_leaves_room_for_kannel_configs_groups():
    example = (ROOT / "deploy" / "kannel" / "kannel.conf.example").read_text()
    assert "group = core" in example and "group = smsbox" in example
    assert "sendsms-port = 13013" in example and "manage.py kannel_config" in example
    # The command prints these two; the example must not define them twice.
    assert "group = sendsms-user" not in example and "group = sms-service" not in example


def test_faro_services_get_the_sms_settings(services):
    environment = services["worker"]["environment"]
    for name in ("SMS_URL", "SMS_FROM", "SMS_SEND_RATE", "SMS_CALLBACK_SECRET"):
        assert name in environment


@pytest.mark.skipif(
    shutil.which("docker-compose") is None, reason="Debian's docker-compose is not installed"
)
@pytest.mark.parametrize("profile", [[], ["--profile", "sms"]], ids=["default", "sms"])
def test_docker_compose_config_validates_with_and_without_the_profile(tmp_path, profile):
    result = subprocess.run(
        ["docker-compose", "-f", str(COMPOSE), *profile, "config"],
        cwd=tmp_path,
        env={**os.environ, **REQUIRED},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    resolved = yaml.safe_load(result.stdout)["services"]
    assert resolved["kannel"]["profiles"] == ["sms"]
    assert resolved["worker"]["environment"]["SMS_URL"] == "file:///app/var/sms-outbox"
    source = resolved["kannel"]["volumes"][0]
    source = source["source"] if isinstance(source, dict) else source.split(":")[0]
    assert source == str(ROOT / "deploy" / "kannel" / "kannel.conf")

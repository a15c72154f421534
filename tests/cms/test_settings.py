"""Configuration errors are one line naming the variable; production has no defaults."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from cms.settings.environment import PRODUCTION_REQUIRED
from tests.support.production import PRODUCTION_ENV

ROOT = Path(__file__).resolve().parents[2]


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in PRODUCTION_ENV}
    base.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=base,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DATABASE_URL", "not a url"),
        ("DATABASE_URL", "mysql2://x@y/z"),
        ("DATABASE_URL", "postgres://faro@127.0.0.1:notaport/faro"),
        ("EMAIL_URL", "carrier-pigeon://loft"),
        ("EMAIL_URL", "smtp://127.0.0.1:99999"),
        ("EMAIL_URL", "smtp://"),
        ("REDIS_URL", "memcached://127.0.0.1"),
    ],
)
def test_malformed_url_is_one_line_naming_the_variable(variable, value):
    result = manage("check", DJANGO_SETTINGS_MODULE="cms.settings.dev", **{variable: value})
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert variable in lines[0]
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("variable", PRODUCTION_REQUIRED)
def test_production_refuses_to_start_without_each_security_value(variable):
    env = {**PRODUCTION_ENV}
    del env[variable]
    result = manage("check", **env)
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [
        f"Configuration error: {variable} must be set in the environment (production has no default)."
    ]


def test_check_deploy_with_production_settings_reports_nothing():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_dev_generates_a_secret_key_once_and_keeps_it(tmp_path):
    env = {
        "DJANGO_SETTINGS_MODULE": "cms.settings.dev",
        "FARO_VAR_DIR": str(tmp_path),
        "SECRET_KEY": "",
    }
    code = "from django.conf import settings; print(settings.SECRET_KEY)"
    first = manage("shell", "-c", code, **env)
    second = manage("shell", "-c", code, **env)
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout
    assert len(first.stdout.strip()) >= 40
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_email_url_smtp_is_parsed():
    from cms.settings.parsing import email_config

    config = email_config("smtp+tls://user:secret@mail.example.org:587")
    assert config["EMAIL_HOST"] == "mail.example.org"
    assert config["EMAIL_PORT"] == 587
    assert config["EMAIL_USE_TLS"] is True
    assert config["EMAIL_HOST_USER"] == "user"

"""manage.py kannel_config: the kannel.conf groups an operator pastes, and
clear refusals when the settings cannot make a working Kannel. The Kannel the
other tests in tests/sms/ run is configured with this output (tests/sms/kannel.py),
so those tests prove the printed groups work."""

from __future__ import annotations

import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

ROOT = Path(__file__).resolve().parents[2]
SECRET = "s3cret-callback_key"


def printed(settings, **overrides) -> str:
    settings.SITE_URL = "https://alerts.example.org"
    settings.SMS_URL = "kannel://faro-user:pa%3Ass@kannel.internal:13013"
    settings.SMS_FROM = "+12125550100"
    settings.SMS_MAX_SEGMENTS = 4
    settings.SMS_CALLBACK_SECRET = SECRET
    for name, value in overrides.items():
        setattr(settings, name, value)
    out = StringIO()
    call_command("kannel_config", stdout=out)
    return out.getvalue()


def groups(text: str) -> dict[str, dict[str, str]]:
    """kannel.conf groups by name: {key: value} (quotes removed, comments skipped)."""
    found: dict[str, dict[str, str]] = {}
    current: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, _, value = (part.strip() for part in line.partition("="))
        value = value.strip('"')
        if key == "group":
            current = found.setdefault(value, {})
        else:
            current[key] = value
    return found


def test_the_printed_groups_point_kannel_at_this_faro(settings):
    text = printed(settings)
    conf = groups(text)
    assert set(conf) == {"sendsms-user", "sms-service"}
    user = conf["sendsms-user"]
    assert (user["username"], user["password"]) == ("faro-user", "pa:ss")
    assert user["default-sender"] == "+12125550100"
    assert (user["concatenation"], user["max-messages"]) == ("true", "4")
    service = conf["sms-service"]
    assert service["post-url"] == (
        f"https://alerts.example.org/sms/kannel/{SECRET}/incoming/?id=%I"
    )
    assert (service["catch-all"], service["send-sender"], service["max-messages"]) == (
        "true",
        "true",
        "0",
    )
    # The report address Faro sends with each text, as a comment.
    dlr = [line for line in text.splitlines() if "/dlr/" in line]
    assert len(dlr) == 1 and dlr[0].lstrip().startswith("#")
    assert f"https://alerts.example.org/sms/kannel/{SECRET}/dlr/?ref=" in dlr[0]
    assert "status=%d" in dlr[0]


def test_no_sender_set_leaves_a_comment_not_an_empty_sender(settings):
    conf = groups(printed(settings, SMS_FROM=""))
    assert "default-sender" not in conf["sendsms-user"]


def run_command(env_overrides: dict[str, str]) -> subprocess.CompletedProcess:
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "cms.settings.test",
        "SMS_URL": "kannel://u:p@127.0.0.1:13013",
        "SMS_CALLBACK_SECRET": SECRET,
        **env_overrides,
    }
    return subprocess.run(
        [sys.executable, "manage.py", "kannel_config"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("overrides", "names"),
    [
        ({"SMS_URL": "file:///tmp/sms-outbox"}, "SMS_URL"),
        ({"SMS_URL": "twilio://AC1:token@"}, "SMS_URL"),
        ({"SMS_CALLBACK_SECRET": "has%25percent"}, "SMS_CALLBACK_SECRET"),
    ],
)
def test_refused_in_one_clear_line_with_exit_status_1(overrides, names):
    result = run_command(overrides)
    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and names in lines[0] and "Traceback" not in result.stderr


def test_the_command_prints_in_a_plain_process():
    result = run_command({})
    assert result.returncode == 0, result.stderr
    assert "group = sendsms-user" in result.stdout and "group = sms-service" in result.stdout


def test_an_empty_callback_secret_is_refused(settings):
    # The test settings fill an empty SMS_CALLBACK_SECRET in: refused in-process.
    with pytest.raises(CommandError) as refusal:
        printed(settings, SMS_CALLBACK_SECRET="")
    assert refusal.value.returncode == 1
    assert "SMS_CALLBACK_SECRET" in str(refusal.value) and "\n" not in str(refusal.value)

"""manage.py check_keys proves the configured keys decrypt every stored address."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command
from django.test import override_settings

from advocacy.models import Subscriber

pytestmark = pytest.mark.django_db

OLD_KEY = Fernet.generate_key().decode()
NEW_KEY = Fernet.generate_key().decode()
LOST_KEY = Fernet.generate_key().decode()


def store(address: str, key: str) -> Subscriber:
    with override_settings(FIELD_ENCRYPTION_KEYS=[key]):
        subscriber = Subscriber(email=address, status=Subscriber.Status.ACTIVE)
        subscriber.save()
    return subscriber


def run_check_keys(capsys) -> tuple[str, str]:
    try:
        call_command("check_keys")
    except CommandError as error:
        return capsys.readouterr().out, str(error)
    return capsys.readouterr().out, ""


def test_counts_by_key_and_passes_when_every_address_decrypts(capsys):
    store("new-1@example.org", NEW_KEY)
    store("new-2@example.org", NEW_KEY)
    store("old-1@example.org", OLD_KEY)

    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY, OLD_KEY]):
        out, error = run_check_keys(capsys)

    assert error == ""
    assert "addresses stored: 3" in out
    assert "decrypted with the first key: 2" in out
    assert "decrypted only with an older key: 1" in out
    assert "undecryptable: 0" in out
    assert "rotate_encryption_keys" in out


def test_fails_naming_no_address_when_a_key_is_missing(capsys):
    store("kept@example.org", NEW_KEY)
    lost = store("lost-person@example.org", LOST_KEY)

    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY, OLD_KEY]):
        out, error = run_check_keys(capsys)

    assert "undecryptable: 1" in out
    assert "decrypted with the first key: 1" in out
    assert error, "the command must exit non-zero"
    assert f"subscriber ids {lost.pk}" in error
    assert "lost-person" not in out + error and "@" not in out + error


def test_after_rotation_every_address_is_under_the_first_key(capsys):
    store("rotating@example.org", OLD_KEY)
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY, OLD_KEY]):
        call_command("rotate_encryption_keys")
        capsys.readouterr()
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY]):
        out, error = run_check_keys(capsys)
    assert error == ""
    assert "decrypted with the first key: 1" in out

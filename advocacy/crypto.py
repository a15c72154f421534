"""Subscriber address and phone number protection: encryption at rest and the keyed lookup hash.

Two separate secrets, on purpose:

* ``FIELD_ENCRYPTION_KEYS`` (a list of Fernet keys) encrypts the address. The
  first key encrypts, every key decrypts (``MultiFernet``), so keys can be
  rotated with ``manage.py rotate_encryption_keys``.
* ``SUBSCRIBER_HASH_KEY`` keys an HMAC-SHA256 of the normalised address, used
  for lookup and uniqueness. It never rotates: the hashes kept for people who
  left (``SuppressedAddress``) cannot be re-keyed because their addresses are
  gone.
"""

from __future__ import annotations

import hashlib
import hmac
import unicodedata
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

__all__ = [
    "InvalidToken",
    "decrypt_email",
    "decrypt_phone",
    "email_hash",
    "encrypt_email",
    "encrypt_phone",
    "normalise_email",
    "phone_hash",
    "reencrypt",
]


def normalise_email(address: str) -> str:
    """The form of an address that is hashed and stored: NFC, trimmed, lower case.

    Lower-casing the local part is not strictly RFC 5321, but every mailbox
    provider a subscriber uses treats it case-insensitively, and treating
    ``Ana@X.org`` and ``ana@x.org`` as two people would defeat the
    suppression list.
    """
    return unicodedata.normalize("NFC", address).strip().lower()


@lru_cache(maxsize=8)
def _fernet_for(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key) for key in keys])


def _fernet() -> MultiFernet:
    keys = tuple(settings.FIELD_ENCRYPTION_KEYS)
    if not keys:
        raise RuntimeError("FIELD_ENCRYPTION_KEYS is empty: cannot encrypt subscriber addresses.")
    return _fernet_for(keys)


def encrypt_email(address: str) -> str:
    """Encrypt a (normalised) address with the first key; returns ASCII text."""
    return _fernet().encrypt(address.encode()).decode("ascii")


def decrypt_email(ciphertext: str) -> str:
    """Decrypt with any configured key; raises ``InvalidToken`` if none fits."""
    return _fernet().decrypt(ciphertext.encode("ascii")).decode()


def reencrypt(ciphertext: str) -> str:
    """Re-encrypt a ciphertext under the first key (for key rotation)."""
    return _fernet().rotate(ciphertext.encode("ascii")).decode("ascii")


def email_hash(address: str) -> str:
    """Keyed HMAC-SHA256 (hex) of the normalised address, for lookup and uniqueness."""
    key = settings.SUBSCRIBER_HASH_KEY
    if not key:
        raise RuntimeError("SUBSCRIBER_HASH_KEY is empty: cannot look up subscribers.")
    return hmac.new(key.encode(), normalise_email(address).encode(), hashlib.sha256).hexdigest()


def encrypt_phone(e164: str) -> str:
    """Encrypt a number (E.164, already checked) under the first key, as
    addresses are: the same keys rotate both."""
    return _fernet().encrypt(e164.encode()).decode("ascii")


def decrypt_phone(ciphertext: str) -> str:
    """Decrypt a number with any configured key; raises ``InvalidToken`` if none fits."""
    return _fernet().decrypt(ciphertext.encode("ascii")).decode()


def phone_hash(e164: str) -> str:
    """Keyed HMAC-SHA256 (hex) of a number in E.164 form, for lookup,
    uniqueness and the STOP list. E.164 has no "@", so a number's hash never
    equals an address's."""
    key = settings.SUBSCRIBER_HASH_KEY
    if not key:
        raise RuntimeError("SUBSCRIBER_HASH_KEY is empty: cannot look up subscribers.")
    return hmac.new(key.encode(), e164.strip().encode(), hashlib.sha256).hexdigest()

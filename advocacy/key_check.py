"""Prove that the configured FIELD_ENCRYPTION_KEYS decrypt every stored address and number.

Run it after changing keys (``manage.py check_keys``): if an address cannot
be decrypted, the key that encrypted it is gone and that subscriber can no
longer be mailed. Only counts and subscriber ids are reported, never an
address.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings

from advocacy.models import Subscriber


@dataclass
class KeyCheckResult:
    """How many stored addresses each configured key decrypts.

    ``first_key``: decrypted with the first (current) key; ``older_keys``:
    only with a later key in the list (run ``rotate_encryption_keys``);
    ``undecryptable``: ids of subscribers no configured key decrypts.
    """

    total: int = 0
    first_key: int = 0
    older_keys: int = 0
    undecryptable: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every stored address can be decrypted."""
        return not self.undecryptable


def check_keys(batch_size: int = 1000) -> KeyCheckResult:
    """Try the configured keys, in order, on every subscriber address.

    Reads the table in primary-key batches of ``batch_size`` (memory does not
    grow with the list) and never keeps a decrypted address. Raises
    ``RuntimeError`` when FIELD_ENCRYPTION_KEYS is empty.
    """
    keys = [Fernet(key) for key in settings.FIELD_ENCRYPTION_KEYS]
    if not keys:
        raise RuntimeError("FIELD_ENCRYPTION_KEYS is empty: no key to check.")
    result = KeyCheckResult()
    last_pk = 0
    while True:
        rows = list(
            Subscriber.objects.filter(pk__gt=last_pk)
            .order_by("pk")
            .values_list("pk", "email_ciphertext", "phone_ciphertext")[:batch_size]
        )
        if not rows:
            break
        for pk, email_ciphertext, phone_ciphertext in rows:
            result.total += 1
            # A row counts by its worst field: the one only an older key (or none) opens.
            positions = [
                _key_position(keys, ciphertext)
                for ciphertext in (email_ciphertext, phone_ciphertext)
                if ciphertext
            ]
            position = None if None in positions else max(positions, default=0)
            if position == 0:
                result.first_key += 1
            elif position is None:
                result.undecryptable.append(pk)
            else:
                result.older_keys += 1
        last_pk = rows[-1][0]
    return result


def _key_position(keys: list[Fernet], ciphertext: str) -> int | None:
    token = (ciphertext or "").encode("ascii", errors="replace")
    for position, key in enumerate(keys):
        try:
            key.decrypt(token)
        except InvalidToken:
            continue
        return position
    return None

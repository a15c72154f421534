"""Re-encrypt every stored address and phone number with the first FIELD_ENCRYPTION_KEYS key.

Rotation, step by step: put the new key first in FIELD_ENCRYPTION_KEYS and
keep the old ones after it (everything still decrypts); run
``manage.py rotate_encryption_keys``; when it reports no failures, remove the
old keys. The address and number hashes (SUBSCRIBER_HASH_KEY) are not touched.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction

from advocacy.crypto import InvalidToken, reencrypt
from advocacy.models import Subscriber


@dataclass
class RotationResult:
    """``total`` rows seen, ``rotated`` re-encrypted, ``failed`` ids no key decrypts."""

    total: int = 0
    rotated: int = 0
    failed: list[int] = field(default_factory=list)


def rotate_encryption_keys(
    batch_size: int = 500, progress: Callable[[int, int], None] | None = None
) -> RotationResult:
    """Re-encrypt all subscriber addresses and numbers in batches of ``batch_size``.

    Each batch is its own transaction and walks the table by primary key, so
    the job can be stopped and re-run at any time (re-running is harmless).
    ``progress(done, total)`` is called after each batch. Rows that no
    configured key decrypts are left as they are and listed in ``failed``.
    """
    result = RotationResult(total=Subscriber.objects.count())
    last_pk = 0
    done = 0
    while True:
        with transaction.atomic():
            rows = list(
                Subscriber.objects.select_for_update()
                .filter(pk__gt=last_pk)
                .order_by("pk")
                .only("pk", "email_ciphertext", "phone_ciphertext")[:batch_size]
            )
            if not rows:
                break
            changed = []
            for row in rows:
                try:
                    # A row may have an address, a number or both; "" stays "".
                    if row.email_ciphertext:
                        row.email_ciphertext = reencrypt(row.email_ciphertext)
                    if row.phone_ciphertext:
                        row.phone_ciphertext = reencrypt(row.phone_ciphertext)
                except InvalidToken:
                    result.failed.append(row.pk)
                    continue
                changed.append(row)
            Subscriber.objects.bulk_update(changed, ["email_ciphertext", "phone_ciphertext"])
        result.rotated += len(changed)
        done += len(rows)
        last_pk = rows[-1].pk
        if progress:
            progress(done, max(result.total, done))
    return result

"""manage.py rotate_encryption_keys: re-encrypt every address with the first key."""

from django.core.management.base import BaseCommand, CommandError

from advocacy.key_rotation import rotate_encryption_keys


class Command(BaseCommand):
    help = (
        "Re-encrypt every subscriber address with the first key of FIELD_ENCRYPTION_KEYS. "
        "Put the new key first, keep the old ones after it, run this, then remove the old keys."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, batch_size, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")

        def progress(done, total):
            self.stdout.write(f"re-encrypted {done} of {total}")

        result = rotate_encryption_keys(batch_size=batch_size, progress=progress)
        if result.failed:
            ids = ", ".join(str(pk) for pk in result.failed[:20])
            raise CommandError(
                f"{len(result.failed)} addresses could not be decrypted with any key in "
                f"FIELD_ENCRYPTION_KEYS (subscriber ids {ids}); keep the old keys until they are fixed."
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Done: {result.rotated} addresses now encrypted with the first key. "
                "Older keys can be removed from FIELD_ENCRYPTION_KEYS."
            )
        )

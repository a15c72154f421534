"""manage.py check_keys: prove FIELD_ENCRYPTION_KEYS decrypt every stored address."""

from django.core.management.base import BaseCommand, CommandError

from advocacy.key_check import check_keys


class Command(BaseCommand):
    help = (
        "Check that the keys in FIELD_ENCRYPTION_KEYS decrypt every stored subscriber address. "
        "Reports counts only; exits non-zero if any address cannot be decrypted."
    )

    def handle(self, *args, **options):
        try:
            result = check_keys()
        except RuntimeError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"addresses stored: {result.total}")
        self.stdout.write(f"decrypted with the first key: {result.first_key}")
        self.stdout.write(f"decrypted only with an older key: {result.older_keys}")
        self.stdout.write(f"undecryptable: {len(result.undecryptable)}")
        if result.older_keys:
            self.stdout.write("Run `manage.py rotate_encryption_keys` before removing older keys.")
        if not result.ok:
            ids = ", ".join(str(pk) for pk in result.undecryptable[:20])
            more = " and more" if len(result.undecryptable) > 20 else ""
            raise CommandError(
                f"{len(result.undecryptable)} addresses cannot be decrypted with any key in "
                f"FIELD_ENCRYPTION_KEYS (subscriber ids {ids}{more}). Restore the key that "
                "encrypted them; without it these people must sign up again."
            )
        self.stdout.write(self.style.SUCCESS("Every stored address decrypts."))

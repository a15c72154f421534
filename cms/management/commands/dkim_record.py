"""Print the DNS TXT record to publish for DKIM_SELECTOR and DKIM_DOMAIN."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cms.dkim import dns_record


class Command(BaseCommand):
    help = (
        "Print the DKIM DNS TXT record (name and value) that receivers look up to check "
        "Faro's signatures, from DKIM_PRIVATE_KEY's public half."
    )

    def handle(self, *args, **options):
        if not getattr(settings, "DKIM_PRIVATE_KEY_PEM", None):
            raise CommandError(
                "DKIM signing is off: set DKIM_PRIVATE_KEY, DKIM_SELECTOR and DKIM_DOMAIN."
            )
        name, value = dns_record()
        # A TXT string holds at most 255 characters; DNS tools join the parts.
        parts = " ".join(f'"{value[i : i + 255]}"' for i in range(0, len(value), 255))
        self.stdout.write(f"{name}. IN TXT {parts}")

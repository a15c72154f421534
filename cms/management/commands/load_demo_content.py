"""Load whatever demo content the apps provide (idempotent)."""

from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand

from core.absolute_urls import match_default_site_to_site_url

# Each app's own idempotent loader, in dependency order.
LOADERS = ("load_memo_content", "load_areas_and_topics")


class Command(BaseCommand):
    help = "Run every app's idempotent content loader that exists."

    def handle(self, *args, **options):
        available = get_commands()
        for name in LOADERS:
            if name in available:
                call_command(name, stdout=self.stdout, stderr=self.stderr)
        # Wagtail's own links (page.full_url in its emails) on SITE_URL.
        match_default_site_to_site_url()

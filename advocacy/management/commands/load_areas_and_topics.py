"""manage.py load_areas_and_topics: create or refresh the seeded areas and topics."""

from django.core.management.base import BaseCommand

from advocacy.models import Area, Topic
from advocacy.seed import load_areas_and_topics


class Command(BaseCommand):
    help = "Create or refresh the seeded areas (boroughs, Sunset Park) and topics. Idempotent."

    def handle(self, *args, **options):
        areas, topics = load_areas_and_topics(Area, Topic)
        self.stdout.write(
            f"Areas and topics up to date ({areas} areas and {topics} topics created)."
        )

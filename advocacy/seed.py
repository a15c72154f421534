"""The areas and topics every Faro site starts with.

Names are English and marked for translation (``gettext_noop``) so
``makemessages`` collects them; ``Area.display_name`` and
``Topic.display_name`` translate them at display time. Used by migration
0001 (fresh databases and tests have them) and by ``manage.py
load_areas_and_topics`` (idempotent re-runs).
"""

from django.utils.translation import gettext_noop

# (slug, English name, parent slug)
AREAS = (
    ("manhattan", gettext_noop("Manhattan"), None),
    ("brooklyn", gettext_noop("Brooklyn"), None),
    ("queens", gettext_noop("Queens"), None),
    ("bronx", gettext_noop("The Bronx"), None),
    ("staten-island", gettext_noop("Staten Island"), None),
    ("sunset-park", gettext_noop("Sunset Park"), "brooklyn"),
)

# (slug, English name)
TOPICS = (
    ("nypd-policy", gettext_noop("NYPD policy")),
    ("ice-activity", gettext_noop("ICE activity")),
    ("idnyc", gettext_noop("IDNYC")),
    ("community-events", gettext_noop("Community events")),
)


def load_areas_and_topics(area_model, topic_model) -> tuple[int, int]:
    """Create or update the seeded areas and topics; returns (created areas, created topics).

    Takes the model classes so a migration can pass its historical models.
    Existing rows keep their primary keys; names and parents are brought in
    line with the seed; areas and topics added by editors are left alone.
    """
    created_areas = created_topics = 0
    by_slug = {}
    for slug, name, parent_slug in AREAS:
        area, created = area_model.objects.update_or_create(
            slug=slug, defaults={"name": name, "parent": by_slug.get(parent_slug)}
        )
        by_slug[slug] = area
        created_areas += created
    for slug, name in TOPICS:
        _, created = topic_model.objects.update_or_create(slug=slug, defaults={"name": name})
        created_topics += created
    return created_areas, created_topics

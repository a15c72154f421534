"""Build the browser tests' site in a database of its own (run as a script).

`python -m tests.browser.seed_site` with DATABASE_URL naming an empty
database: migrate, load the memo guides in the languages under test, the
areas and topics, and an alert in English only (other languages list it through the fallback, as
readers see an alert before translators catch up).
"""

from __future__ import annotations

import os
import sys

LANGUAGES = ["en", "es", "zh-hans", "ar", "ur", "bn", "ht"]


def seed() -> None:
    from django.core.management import call_command

    from advocacy.models import AlertIndexPage, AlertPage
    from cms.models import HomePage
    from tests.factories.advocacy import approve

    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_memo_content", languages=LANGUAGES[1:], verbosity=0)
    call_command("load_areas_and_topics", verbosity=0)
    home = HomePage.objects.get(locale__language_code="en")
    # advocacy's migrations give every language an alert index.
    index = AlertIndexPage.objects.child_of(home).first()
    if index is None:
        index = home.add_child(instance=AlertIndexPage(title="Alerts", slug="alerts"))
        index.save_revision().publish()
    # Test content only: no place, date, law or organisation is claimed.
    alert = index.add_child(
        instance=AlertPage(
            title="Test alert for the browser tests",
            slug="test-alert",
            every_area=True,
            summary="This alert exists only to test how alerts are shown.",
        )
    )
    alert.save_revision()
    # Published the only way an alert goes live: approved by Moderators.
    approve(alert)


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.test")
    import logging

    import django

    django.setup()
    # Wagtail logs every page event; the test output needs none of it.
    logging.disable(logging.INFO)
    seed()
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The journey's site and shared state, for every step module in this package."""

from __future__ import annotations

import pytest

from tests.browser.admin import create_account
from tests.browser.editorial import Person, start_editorial_site
from tests.browser.editorial_journey.journey import SUBSCRIBERS, Journey
from tests.support.network import free_port


@pytest.fixture(scope="package")
def journey_site(seeded_database_url):
    """A site of the journey's own (tests.browser.editorial): a copy of the seeded
    database, gunicorn, a Celery worker, and every mail sent through SMTP to an
    aiosmtpd server in this process; up for all the step modules."""
    site, stop = start_editorial_site(seeded_database_url, free_port())
    try:
        yield site
    finally:
        stop()


@pytest.fixture(autouse=True)
def _fresh_findings(request):
    """Each step reports only what went wrong in it."""
    if "journey" in request.fixturenames:
        request.getfixturevalue("journey").findings.clear()


@pytest.fixture(scope="package")
def journey(journey_site, browser):
    """The people and what they made, shared by the steps in order."""
    imported = journey_site.import_subscribers(SUBSCRIBERS)
    assert f"{len(SUBSCRIBERS)} imported as active" in imported, imported
    state = Journey(site=journey_site, browser=browser)
    account = create_account(journey_site, "office-admin", superuser=True)
    state.people["admin"] = Person(account, "office-admin@example.org", "Office", "Admin", None)
    yield state
    for person in state.people.values():
        if person.context is not None:
            person.context.context.close()

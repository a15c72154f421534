"""Settings for the `celery beat` that the sweeping tests start: the test
settings with the dispatch sweeper due every second instead of every 30.

Only the sweeper is scheduled, so beat sends nothing else during a test.
"""

from cms.settings.test import *  # noqa: F403

SWEEP_SECONDS = 1.0
CELERY_BEAT_SCHEDULE = {
    "advocacy.sweep_dispatches": {
        "task": "advocacy.sweep_dispatches",
        "schedule": SWEEP_SECONDS,
    },
}

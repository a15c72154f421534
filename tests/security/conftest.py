"""Production static files for `tests.security.production_server`, collected in the
background from the start of the session when a collected test will need them."""

from __future__ import annotations

from tests.security.production_server import (
    ProductionServer,
    start_collecting_static,
    stop_collecting_static,
)


def pytest_collection_finish(session):
    if session.config.option.collectonly:
        return
    # A module that imports ProductionServer starts one.
    if any(
        getattr(getattr(item, "module", None), "ProductionServer", None) is ProductionServer
        for item in session.items
    ):
        start_collecting_static()


def pytest_sessionfinish(session):
    stop_collecting_static()

"""Plain helpers for the tests (no fixtures: those live in conftest files).

Each module holds one kind of thing: `processes` (workers and servers started
by tests), `smtp` (the recording mail server), `waiting`, `network`, `auth`
(admin sign-in), `browser` (Playwright contexts), `alerts` (the approval
workflow and waiting for dispatches), `databases` (private databases for
servers the tests start).
"""

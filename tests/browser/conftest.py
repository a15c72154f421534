"""Browser tests: a real server on 127.0.0.1 and Debian's Chromium through Playwright.

The site runs under gunicorn in another process, on a database of its own
(a SQLite file, or a PostgreSQL database when DATABASE_URL names one) built
once per session by `tests.browser.seed_site`, with its own var folder
(outbox, embedded broker, static root) and a local-memory cache, so nothing
it does reaches the rest of the suite. QUICK_EXIT_URL points at a tiny
http.server on another loopback port.

Every browser context records each request it makes and, when the test ends,
fails unless all went to 127.0.0.1 or localhost, no cookie was set and the
Content-Security-Policy refused nothing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.axe import WCAG_A_AND_AA
from tests.browser.editorial import start_editorial_site
from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, open_context
from tests.support.databases import empty_database, pristine_copy
from tests.support.network import free_port
from tests.support.processes import ROOT, gunicorn_command, subprocess_env, worker_command


class NeutralPage(BaseHTTPRequestHandler):
    """Where the quick exit leads in tests: a page that is not Faro."""

    BODY = (
        b'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Weather</title>'
        b"</head><body><h1>Weather</h1><p>Sunny.</p></body></html>"
    )

    def do_GET(self):  # noqa: N802 - http.server's naming
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(self.BODY)))
        self.end_headers()
        self.wfile.write(self.BODY)

    def log_message(self, *args):
        pass


@dataclass
class LiveSite:
    url: str
    exit_url: str
    outbox: Path
    log_path: Path
    # The server's environment (database, var folder): for helper processes
    # that act on the site's data, such as tests.browser.admin.create_account.
    env: dict[str, str] = field(default_factory=dict)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


@pytest.fixture(scope="session")
def exit_page_url():
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), NeutralPage)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/weather"
    server.shutdown()
    server.server_close()


class SiteBuild:
    """Migrate and seed the site's private database in a background process.

    Started as soon as collection finishes (see `pytest_collection_finish`),
    so it runs while the rest of the suite does: browser tests use no test
    database, so pytest-django runs them last, when the build is done.
    """

    def __init__(self):
        self.var_dir = Path(tempfile.mkdtemp(prefix="faro-browser-", dir=ROOT / "var" / "test"))
        self.database_url, self._drop_database = empty_database(self.var_dir)
        self.log_path = self.var_dir / "seed.log"
        self.env = {
            "FARO_VAR_DIR": str(self.var_dir),
            "DATABASE_URL": self.database_url,
            "REDIS_URL": "",
            "CELERY_BROKER_URL": "filesystem://",
            "CELERY_RESULT_BACKEND": "",
        }
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "tests.browser.seed_site"],
                cwd=ROOT,
                env=subprocess_env(**self.env),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.cleaned = False
        # The seeded database as built, for sites that copy it (set by `wait`).
        self.seeded_url: str | None = None
        self._drop_seeded = lambda: None

    def wait(self) -> None:
        if self.process.wait(timeout=900) != 0:
            log = self.log_path.read_text(errors="replace")
            pytest.fail(f"seeding the browser tests' site failed:\n{log[-4000:]}")
        if self.seeded_url is None:
            # Before any server connects: PostgreSQL then copies it as a
            # template in a moment (copies of a database in use need pg_dump).
            self.seeded_url, self._drop_seeded = pristine_copy(self.database_url)

    def cleanup(self) -> None:
        if self.cleaned:
            return
        self.cleaned = True
        if self.process.poll() is None:
            os.killpg(self.process.pid, 9)
            self.process.wait()
        self._drop_database()
        self._drop_seeded()
        shutil.rmtree(self.var_dir, ignore_errors=True)


_build: SiteBuild | None = None


def pytest_collection_finish(session):
    global _build
    here = Path(__file__).parent
    if session.config.option.collectonly or _build is not None:
        return
    if any(Path(str(item.path)).is_relative_to(here) for item in session.items):
        _build = SiteBuild()


def pytest_sessionfinish(session):
    if _build is not None:
        _build.cleanup()


@pytest.fixture(scope="session")
def live_site(exit_page_url):
    """The seeded site served by gunicorn on a free loopback port."""
    global _build
    if _build is None:
        _build = SiteBuild()
    build = _build
    build.wait()
    var_dir = build.var_dir
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    outbox = var_dir / "outbox"
    env = subprocess_env(
        **build.env,
        EMAIL_URL=f"outbox://{outbox}",
        SITE_URL=url,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        QUICK_EXIT_URL=exit_page_url,
    )
    log_path = var_dir / "server.log"
    with log_path.open("wb") as log:
        server = subprocess.Popen(
            gunicorn_command(port),
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    # Sign-up mails are sent by a worker, as in production (embedded broker
    # in the site's own var folder). It does not take the `media` queue: the
    # seeded guides' computer-voice audio would keep it busy for minutes
    # (the audio tests make their own audio).
    worker_log_path = var_dir / "worker.log"
    with worker_log_path.open("wb") as log:
        worker = subprocess.Popen(
            worker_command("urgent,default", concurrency=1),
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    site = LiveSite(url=url, exit_url=exit_page_url, outbox=outbox, log_path=log_path, env=env)
    try:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"server exited:\n{site.log()}")
            try:
                with urllib.request.urlopen(f"{url}/healthz", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        while "ready." not in worker_log_path.read_text(errors="replace"):
            if worker.poll() is not None or time.monotonic() > deadline + 60:
                raise RuntimeError(f"worker not ready:\n{worker_log_path.read_text()}")
            time.sleep(0.2)
        yield site
    finally:
        for process in (server, worker):
            if process.poll() is None:
                # The worker's main process stops its pool itself (signalling
                # its whole group leaves it hanging); gunicorn takes the group.
                if process is worker:
                    process.terminate()
                else:
                    os.killpg(process.pid, 15)
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, 9)
                    process.wait()
        build.cleanup()


# Package scope: Playwright's sync API keeps an event loop running in this
# thread while it is open, and Django refuses database calls from a thread
# with a running loop, so the browser must close before other packages run.
@pytest.fixture(scope="package")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run bin/install-debian-packages")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def site_context(browser, live_site):
    """A fresh context with JavaScript on; checked for foreign requests and cookies."""
    recorded = open_context(browser, live_site)
    yield recorded
    recorded.check_and_close()


@pytest.fixture
def no_js_context(browser, live_site):
    """The same with JavaScript off, as on a locked-down or very old phone."""
    recorded = open_context(browser, live_site, java_script_enabled=False)
    yield recorded
    recorded.check_and_close()


@pytest.fixture
def admin_context(browser, live_site):
    """A fresh context for the admin: cookies allowed (a session must be kept),
    and still checked for requests leaving 127.0.0.1 and for refusals by the
    admin's Content-Security-Policy. Sign in with tests.browser.admin.
    """
    recorded = open_context(browser, live_site)
    yield recorded
    foreign = recorded.foreign_requests()
    recorded.context.close()
    assert foreign == [], f"requests left 127.0.0.1: {foreign}"
    assert recorded.csp_violations == [], recorded.csp_violations


@pytest.fixture(scope="module")
def editorial_site(request):
    """A site of the module's own for the editorial journey (tests.browser.editorial):
    a copy of the seeded database, gunicorn, a Celery worker, and every mail
    sent through SMTP to an aiosmtpd server in this process.

    A module may set ``SITE_SETTINGS`` (environment variables, e.g.
    ``{"ALERT_CHUNK_SIZE": "4"}``) for its site's server and worker."""
    global _build
    if _build is None:
        _build = SiteBuild()
    _build.wait()
    site_settings = getattr(request.module, "SITE_SETTINGS", {})
    site, stop = start_editorial_site(_build.seeded_url, free_port(), **site_settings)
    try:
        yield site
    finally:
        stop()


@pytest.fixture(scope="session")
def seeded_database_url():
    """The URL of the seeded site's database as built, before any test used it
    (for sites that copy it, such as the editorial journey's)."""
    global _build
    if _build is None:
        _build = SiteBuild()
    _build.wait()
    return _build.seeded_url


# axe-core scans (tests/browser/axe.py says which rules run).
@pytest.fixture(scope="module")
def axe_page(browser, live_site):
    """One page reused for every scan (one context, checked at the end)."""
    recorded = open_context(browser, live_site)
    yield recorded.new_page()
    recorded.check_and_close()


@pytest.fixture(scope="module")
def axe():
    return Axe()


@pytest.fixture(scope="module")
def wcag_rules(axe_page, axe) -> list[str]:
    """Every A and AA rule of the bundled axe-core, off by default or experimental
    ones included; deprecated ones (axe no longer maintains them) left out."""
    axe_page.set_content("<!doctype html><title>rules</title>")
    axe_page.evaluate(axe.axe_script)
    rules = axe_page.evaluate(
        """tags => axe.getRules(tags)
            .filter(rule => !rule.tags.includes("deprecated"))
            .map(rule => rule.ruleId)""",
        WCAG_A_AND_AA,
    )
    assert "target-size" in rules, "this axe-core has no target-size rule"
    return sorted(rules)

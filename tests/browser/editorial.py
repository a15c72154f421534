"""The editorial site of the journey test: its own copy of the seeded database,
gunicorn, a real Celery worker and a real SMTP server, and the people using it.

`test_editorial_journey.py` walks through the admin as an admin, an Editor,
two Moderators and a Translator, each in a browser context of their own that
stays signed in for the whole module (a second sign-in within one TOTP step
would have to wait for the next code). The site under test sends every mail
(Wagtail's notifications, tests, alerts) through SMTP to an aiosmtpd server
in this process; alerts go out from a `celery worker` started with the site's
own environment and broker folder.

Signing in and enrolling in two-step sign-in use `tests.browser.admin`.
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from tests.browser.admin import AdminAccount
from tests.support.databases import copy_database
from tests.support.processes import ROOT, gunicorn_command, subprocess_env, worker_command
from tests.support.smtp import SMTPServer

# Every process the fixture starts must be up within this many seconds.
START_TIMEOUT = 90
STOP_TIMEOUT = 20


# --- The site ------------------------------------------------------------------


@dataclass
class Subscriber:
    """A confirmed subscriber the journey's alert should (or should not) reach."""

    email: str
    language: str
    areas: str  # ;-separated area slugs, as in import_subscribers' CSV


@dataclass
class EditorialSite:
    """The running site: its URL, environment, SMTP recorder and processes."""

    url: str
    env: dict[str, str]
    var_dir: Path
    smtp: SMTPServer
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    def log(self, name: str) -> str:
        path = self.var_dir / f"{name}.log"
        return path.read_text(errors="replace")[-6000:] if path.exists() else ""

    def manage(self, *args: str) -> str:
        """Run `manage.py <args>` with the site's settings and database."""
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=START_TIMEOUT,
        )
        assert result.returncode == 0, f"manage.py {' '.join(args)}:\n{result.stderr[-3000:]}"
        return result.stdout

    def import_subscribers(self, subscribers: list[Subscriber]) -> str:
        """Confirmed subscribers, through the site's own `import_subscribers` command
        (a consent date makes them active, with no confirmation mail)."""
        path = self.var_dir / "subscribers.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["email", "language", "areas", "topics", "consent_date"])
            for person in subscribers:
                writer.writerow([person.email, person.language, person.areas, "", "2026-01-15"])
        return self.manage("import_subscribers", str(path))

    def start(self, name: str, command: list[str], ready) -> None:
        """Start a process with the site's environment; wait until `ready()` is true."""
        log = (self.var_dir / f"{name}.log").open("wb")
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        self.processes[name] = process
        deadline = time.monotonic() + START_TIMEOUT
        while not ready():
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited:\n{self.log(name)}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"{name} not ready in {START_TIMEOUT} s:\n{self.log(name)}")
            time.sleep(0.3)

    def serves(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.url}/healthz", timeout=2):
                return True
        except OSError:
            return False

    def stop(self) -> None:
        for process in reversed(list(self.processes.values())):
            if process.poll() is not None:
                continue
            # SIGTERM to the main process: gunicorn and Celery stop their
            # children themselves; the whole group is killed if they do not.
            process.terminate()
            try:
                process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                pass
            try:
                os.killpg(process.pid, 9)
            except ProcessLookupError:
                pass
            process.wait()


def start_editorial_site(
    database_url: str, port: int, **site_settings: str
) -> tuple[EditorialSite, callable]:
    """Copy the seeded database and start SMTP, gunicorn and a worker on it.

    ``site_settings`` are extra environment variables for both processes.
    Returns the site and a function that stops everything and removes the copy.
    """
    var_dir = Path(tempfile.mkdtemp(prefix="faro-editorial-", dir=ROOT / "var" / "test"))
    drops = []
    smtp = SMTPServer().start()
    site = None
    try:
        copy_url, drop = copy_database(database_url, var_dir)
        drops.append(drop)
        url = f"http://127.0.0.1:{port}"
        env = subprocess_env(
            FARO_VAR_DIR=str(var_dir),
            DATABASE_URL=copy_url,
            REDIS_URL="",
            CELERY_BROKER_URL="filesystem://",
            CELERY_RESULT_BACKEND="",
            EMAIL_URL=smtp.url,
            SITE_URL=url,
            ALLOWED_HOSTS="127.0.0.1,localhost",
            **site_settings,
        )
        site = EditorialSite(url=url, env=env, var_dir=var_dir, smtp=smtp)
        site.start(
            "worker",
            worker_command("urgent,default", concurrency=2),
            ready=lambda: " ready." in site.log("worker"),
        )
        site.start(
            "server",
            gunicorn_command(port),
            ready=site.serves,
        )
    except BaseException:
        _stop(site, smtp, drops, var_dir)
        raise
    return site, lambda: _stop(site, smtp, drops, var_dir)


def _stop(site, smtp, drops, var_dir) -> None:
    if site is not None:
        site.stop()
    smtp.stop()
    for drop in drops:
        drop()
    shutil.rmtree(var_dir, ignore_errors=True)


# --- People ------------------------------------------------------------------------


@dataclass
class Person:
    """Someone using the admin: their account and their own signed-in browser."""

    account: AdminAccount
    email: str
    first_name: str
    last_name: str
    group: str | None
    context: object = None  # tests.support.browser.RecordedContext
    page: object = None

    @property
    def username(self) -> str:
        return self.account.username

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


def footer_action(page, name: str) -> None:
    """Press an action of the editor's footer (opening "More actions" if it is
    folded there) and wait for the page it leads to."""
    footer = page.locator("footer.footer")
    button = footer.get_by_role("button", name=name, exact=True)
    if not button.is_visible():
        footer.get_by_role("button", name="More actions").click()
    with page.expect_navigation():
        button.click()


def footer_actions(page) -> list[str]:
    """Every action the editor's footer offers, folded ones included."""
    footer = page.locator("footer.footer")
    names = [
        " ".join(text.split())
        for text in footer.locator("button, a").all_inner_texts()
        if text.strip()
    ]
    return [name for name in names if name != "More actions"]

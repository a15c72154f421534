"""Fixtures shared by the whole suite: real worker, real SMTP, outbox."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent


def broker_is_redis() -> bool:
    """Whether Celery runs on Redis (CI) rather than the embedded broker."""
    return settings.CELERY_BROKER_URL.startswith("redis")


def database_url_for_workers() -> str:
    """A DATABASE_URL naming the test database, for processes we start."""
    from django.db import connection

    config = connection.settings_dict
    if config["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{config['NAME']}"
    user = config.get("USER") or ""
    password = f":{config['PASSWORD']}" if config.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    return f"postgres://{auth}{config.get('HOST') or '127.0.0.1'}:{config.get('PORT') or 5432}/{config['NAME']}"


def subprocess_env(**extra: str) -> dict[str, str]:
    """The environment for a worker or server process started by a test."""
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "cms.settings.test",
            "DATABASE_URL": database_url_for_workers(),
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update(extra)
    return env


class WorkerProcess:
    """A real `celery worker` in another process, as in production."""

    def __init__(self, queues: str = "urgent,default", concurrency: int = 2, **env: str):
        self.queues = queues
        self.concurrency = concurrency
        self.env = env
        self.process: subprocess.Popen | None = None
        self.log_path = (
            Path(settings.CELERY_QUEUE_DIR).parent
            / f"worker-{os.getpid()}-{time.monotonic_ns()}.log"
        )

    def start(self, wait: bool = True) -> WorkerProcess:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self.log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "cms",
                "worker",
                "--queues",
                self.queues,
                "--concurrency",
                str(self.concurrency),
                "--loglevel",
                "INFO",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
            ],
            cwd=ROOT,
            env=subprocess_env(**self.env),
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        if wait:
            self.wait_ready()
        return self

    def wait_ready(self, timeout: float = 60) -> None:
        from cms.tasks import ping

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"worker exited: {self.output()}")
            if "ready." in self.output():
                # The worker says it is ready; prove it answers.
                ping.apply_async(queue=self.queues.split(",")[0]).get(timeout=timeout)
                return
            time.sleep(0.2)
        raise TimeoutError(f"worker not ready: {self.output()}")

    def output(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self, sig: int | None = None) -> None:
        import signal

        if self.process and self.process.poll() is None:
            if sig is not None:
                os.killpg(self.process.pid, sig)
            else:
                # SIGTERM to the main process alone: it stops its pool itself
                # (signalling the whole group leaves it hanging ~30 s).
                self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                pass
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.process.wait()
        if getattr(self, "log", None):
            self.log.close()


def purge_queues() -> None:
    """Drop messages a previous run left on the broker."""
    from cms.celery import app

    with app.connection_for_write() as connection:
        for queue in ("urgent", "default"):
            try:
                connection.default_channel.queue_purge(queue)
            except Exception:  # noqa: BLE001 - a queue that was never declared
                pass


@pytest.fixture
def celery_worker_process(transactional_db):
    """A running worker that sees the test database; stopped after the test."""
    purge_queues()
    worker = WorkerProcess().start()
    yield worker
    worker.stop()


@pytest.fixture
def outbox_dir():
    """The folder where the development mail backend writes .eml files, emptied."""
    path = Path(settings.EMAIL_FILE_PATH)
    path.mkdir(parents=True, exist_ok=True)
    for item in path.glob("*.eml"):
        item.unlink()
    return path


def sign_in_verified(client, user):
    """Sign `user` in with a second factor already proved, as after /admin/2fa/verify/.

    The admin refuses every view until the session is verified (cms.two_factor);
    tests about something else use this instead of plain `force_login`.
    """
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_static.models import StaticDevice

    device, _ = StaticDevice.objects.get_or_create(
        user=user, name="test device", defaults={"confirmed": True}
    )
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def admin_client(db, admin_user, client):
    """pytest-django's admin_client, signed in with a second factor."""
    return sign_in_verified(client, admin_user)


@pytest.fixture(autouse=True)
def _empty_shared_cache():
    """Each test starts with an empty cache: pages, API answers, rate limits.

    The cache outlives a test's database rollback (and, on Redis, the run),
    so a page cached by one test would otherwise be served to the next.
    """
    from django.core.cache import cache

    from cms import page_cache

    cache.clear()
    page_cache._memo["until"] = 0.0
    yield

"""Worker and server processes that tests start, as production runs them."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.db import connection

from cms.celery import app as celery_app
from cms.tasks import ping

ROOT = Path(__file__).resolve().parent.parent.parent


def broker_is_redis() -> bool:
    """Whether Celery runs on Redis (CI) rather than the embedded broker."""
    return settings.CELERY_BROKER_URL.startswith("redis")


def database_url_for_workers() -> str:
    """A DATABASE_URL naming the test database, for processes we start."""
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


def worker_command(
    queues: str = "urgent,default,media", concurrency: int = 2, loglevel: str = "INFO"
) -> list[str]:
    """The `celery worker` command line every test worker runs."""
    return [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "cms",
        "worker",
        "--queues",
        queues,
        "--concurrency",
        str(concurrency),
        "--loglevel",
        loglevel,
        "--without-heartbeat",
        "--without-gossip",
        "--without-mingle",
    ]


def gunicorn_command(port: int, threads: int = 4) -> list[str]:
    """gunicorn serving the site on 127.0.0.1:`port` with one worker process."""
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "cms.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "1",
        "--threads",
        str(threads),
    ]


class WorkerProcess:
    """A real `celery worker` in another process, as in production."""

    def __init__(
        self,
        queues: str = "urgent,default,media",
        concurrency: int = 2,
        loglevel: str = "INFO",
        **env: str,
    ):
        self.queues = queues
        self.concurrency = concurrency
        self.loglevel = loglevel
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
            worker_command(self.queues, self.concurrency, self.loglevel),
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
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"worker exited: {self.output()}")
            if "ready." in self.output():
                # The worker says it is ready; prove it answers.
                ping.apply_async(queue=self.queues.split(",")[0]).get(timeout=timeout)
                return
            time.sleep(0.1)
        raise TimeoutError(f"worker not ready: {self.output()}")

    def output(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self, sig: int | None = None) -> None:
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
    with celery_app.connection_for_write() as broker:
        for queue in ("urgent", "default", "media"):
            try:
                broker.default_channel.queue_purge(queue)
            except Exception:  # noqa: BLE001 - a queue that was never declared
                pass

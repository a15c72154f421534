"""A throwaway redis-server for tests that restart Redis (the machine's own
is never restarted), and pointing this process's Celery producer at it."""

from __future__ import annotations

import os
import shutil
import subprocess
from contextlib import contextmanager

from cms.celery import app as celery_app
from tests.support.network import free_port
from tests.support.waiting import wait_for


class PrivateRedis:
    """redis-server on a spare port of 127.0.0.1, without persistence: killed
    and started again, it comes back empty, as after a crash."""

    def __init__(self):
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def start(self) -> PrivateRedis:
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server") or "redis-server",
                "--port", str(self.port),
                "--bind", "127.0.0.1",
                "--save", "",
                "--appendonly", "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_for(self.answers, timeout=10, message="private redis up")
        return self

    def answers(self) -> bool:
        result = subprocess.run(
            ["redis-cli", "-p", str(self.port), "ping"], capture_output=True, text=True
        )
        return result.stdout.strip() == "PONG"

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}"


@contextmanager
def celery_in_this_process_uses(broker_url: str):
    """Point this process's Celery producer at another broker for a while."""
    previous_env = os.environ.get("CELERY_BROKER_URL")
    previous = celery_app.conf.broker_url

    def switch(url):
        # Celery reads CELERY_BROKER_URL from the environment before its config.
        os.environ["CELERY_BROKER_URL"] = url
        celery_app.conf.broker_url = url
        celery_app._pool = None
        celery_app.amqp._producer_pool = None

    switch(broker_url)
    try:
        yield
    finally:
        switch(previous)
        if previous_env is None:
            os.environ.pop("CELERY_BROKER_URL", None)
        else:
            os.environ["CELERY_BROKER_URL"] = previous_env

"""A real `celery beat` process, as production runs exactly one of, with the
dispatch sweeper due every second (`tests.support.beat_settings`)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings

from tests.support.processes import ROOT, subprocess_env
from tests.support.waiting import wait_for

SWEEP_TASK = "advocacy.sweep_dispatches"


class BeatProcess:
    """`celery -A cms beat` in another process, with its own schedule file.

    ``env`` is added to the test environment, as for ``WorkerProcess``: give
    beat the broker and the Redis the workers use, or it sweeps someone else's
    world.
    """

    def __init__(self, **env: str):
        stamp = f"{os.getpid()}-{time.monotonic_ns()}"
        folder = Path(settings.CELERY_QUEUE_DIR).parent
        self.log_path = folder / f"beat-{stamp}.log"
        self.schedule_path = folder / f"beat-schedule-{stamp}"
        self.env = {
            "DJANGO_SETTINGS_MODULE": "tests.support.beat_settings",
            # The settings module's name does not end in ".test": keep the
            # test folder for runtime files anyway.
            "FARO_VAR_DIR": str(settings.VAR_DIR),
            **env,
        }
        self.process: subprocess.Popen | None = None

    def start(self) -> BeatProcess:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self.log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "cms",
                "beat",
                "--loglevel",
                "INFO",
                "--schedule",
                str(self.schedule_path),
            ],
            cwd=ROOT,
            env=subprocess_env(**self.env),
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        # Started once it has sent its first sweep (due a second after start).
        wait_for(
            lambda: self.sweeps_sent() or self.process.poll() is not None,
            timeout=60,
            message="beat sends its first sweep",
        )
        if self.process.poll() is not None:
            raise RuntimeError(f"beat exited: {self.output()}")
        return self

    def output(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def sweeps_sent(self) -> int:
        """How many times beat has sent the sweeper to the workers."""
        return self.output().count(f"Sending due task {SWEEP_TASK}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if getattr(self, "log", None):
            self.log.close()
        for path in self.schedule_path.parent.glob(f"{self.schedule_path.name}*"):
            path.unlink(missing_ok=True)


def sweep_results(worker_log: str) -> list[int]:
    """What each sweep a worker ran returned (dispatches it re-queued work for)."""
    pattern = rf"Task {re.escape(SWEEP_TASK)}\[[^\]]+\] succeeded in [0-9.e-]+s: (\d+)"
    return [int(found) for found in re.findall(pattern, worker_log)]

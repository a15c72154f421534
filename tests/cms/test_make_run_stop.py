"""Ctrl-C on `make run` stops web, worker and beat quietly.

Starts what `make run` starts (bin/run-dev: honcho with Procfile.dev) on a
free port with a private var folder, waits until the three processes are up,
sends SIGINT to its process group as a terminal's Ctrl-C does, and checks that
everything exits by itself: no ERROR line, no SIGKILL, every process stopped
with a clean status. Before bin/dev-process, honcho's SIGTERM reached the
worker's pool processes directly ("ERROR ... exited with signal 15") and the
worker was SIGKILLed five seconds later.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.support.network import free_port

ROOT = Path(__file__).resolve().parent.parent.parent
UP = ("celery@", " ready.", "beat: Starting", "Starting development server")
# Generous bounds for a shared, loaded machine; the stop itself takes a few
# seconds (see the README), the bound only catches a hang.
START_SECONDS = 240
STOP_SECONDS = 60


def children_of(pids: set[int]) -> set[int]:
    """Every living descendant of ``pids`` (from /proc)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, todo = set(), set(pids)
    while todo:
        parent = todo.pop()
        for pid, ppid in parents.items():
            if ppid == parent and pid not in found:
                found.add(pid)
                todo.add(pid)
    return found


def alive(pids: set[int]) -> set[int]:
    """Those of ``pids`` still running (a zombie awaiting its parent is not)."""
    running = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            running.add(pid)
    return running


def ours(pid: int) -> bool:
    """Whether ``pid`` is still one of the processes this test started (not a reused id)."""
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
    return any(word in command for word in (b"celery", b"runserver", b"dev-process"))


def test_ctrl_c_stops_every_process_quietly(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        # What `make run` has: the development settings, SQLite, the embedded broker.
        if key not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "CELERY_BROKER_URL", "REDIS_URL"}
    }
    env.update(FARO_VAR_DIR=str(tmp_path / "var"), PYTHONUNBUFFERED="1")
    log_path = tmp_path / "run.log"
    port = free_port()
    with log_path.open("wb") as log:
        run = subprocess.Popen(
            [sys.executable, "bin/run-dev", "-p", str(port)],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    started: set[int] = set()
    try:
        deadline = time.monotonic() + START_SECONDS
        while not all(marker in log_path.read_text() for marker in UP):
            assert run.poll() is None, log_path.read_text()
            assert time.monotonic() < deadline, "not up:\n" + log_path.read_text()
            time.sleep(0.5)
        started = {int(pid) for pid in re.findall(r"started \(pid=(\d+)\)", log_path.read_text())}
        started |= children_of(started)
        assert f"127.0.0.1:{port}" in log_path.read_text()

        os.killpg(run.pid, signal.SIGINT)
        run.wait(timeout=STOP_SECONDS)

        stopping = log_path.read_text().split("SIGINT received", 1)[1]
        assert "ERROR" not in stopping, stopping
        assert "SIGKILL" not in stopping, stopping
        assert "worker.1 stopped (rc=0)" in stopping, stopping
        assert "beat.1 stopped (rc=0)" in stopping, stopping
        assert "web.1 stopped" in stopping, stopping
        assert run.returncode is not None
        # Nothing outlives it.
        time.sleep(1)
        assert not alive(started), log_path.read_text()
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
            run.wait()
        for pid in alive(started | children_of(started)):
            if ours(pid):
                os.kill(pid, signal.SIGKILL)

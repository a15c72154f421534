"""Worker processes for the alert benchmark: start, stop, and sample their memory."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from pathlib import Path

from bench.support import PYTHON, ROOT


def rss_kib(pid: int) -> int:
    """Resident memory of one process in KiB (0 once it is gone)."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def process_tree(pid: int) -> list[int]:
    """pid and its descendants (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                parent = int(stat.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(parent, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, ()))
    return found


class MemorySampler(threading.Thread):
    """Samples the RSS of every process of the given workers twice a second."""

    def __init__(self, pids: list[int]):
        super().__init__(daemon=True)
        self.pids = pids
        self.peak_process = 0
        self.peak_total = 0
        self.running = True

    def run(self):
        while self.running:
            sizes = [rss_kib(p) for root in self.pids for p in process_tree(root)]
            if sizes:
                self.peak_process = max(self.peak_process, max(sizes))
                self.peak_total = max(self.peak_total, sum(sizes))
            time.sleep(0.5)

    def stop(self) -> dict:
        """Stop sampling; the peaks in MiB (largest process, and all together)."""
        self.running = False
        self.join(timeout=5)
        return {
            "peak_process_mib": round(self.peak_process / 1024, 1),
            "peak_total_mib": round(self.peak_total / 1024, 1),
        }


def start_worker(env: dict, queue: str, concurrency: int, log: Path) -> subprocess.Popen:
    """A Celery worker consuming `queue` only, in its own process group."""
    return subprocess.Popen(
        [
            PYTHON,
            "-m",
            "celery",
            "-A",
            "cms",
            "worker",
            "--queues",
            queue,
            "--concurrency",
            str(concurrency),
            "--loglevel",
            "WARNING",
            "--hostname",
            f"{queue}@bench",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop(process: subprocess.Popen) -> None:
    """Stop a process started here, and its children (SIGTERM, then SIGKILL after 30 s)."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()

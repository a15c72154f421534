"""Postfix's `smtp-sink` as the benchmark's mail server, counting what arrives.

`smtp-sink -c` prints a line with its running message count each time a
message's final "." is received. `Sink` sends those lines to a file (to a
pipe they would wait in a buffer), follows the file every few milliseconds
and notes when each count was reached, so the benchmark measures messages at
the receiving end (not rows marked sent in the database) and the time a
message arrived (not the time a worker recorded).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import threading
import time
from pathlib import Path

from bench.support import free_port

COUNTER = re.compile(rb"mesg=(\d+)")
LINE_END = re.compile(rb"[\r\n]")
# How often the counter file is read: the resolution of arrival times.
POLL_SECONDS = 0.005


class Sink:
    """One `smtp-sink` on 127.0.0.1 and the arrival times of its messages."""

    def __init__(self, log: Path, backlog: int = 1000):
        binary = shutil.which("smtp-sink") or "/usr/sbin/smtp-sink"
        if not Path(binary).exists():
            raise SystemExit("bench: Postfix's smtp-sink is missing (apt-get install postfix)")
        self.port = free_port()
        # -c prints the counters; -u root because the bench may run as root.
        self.log = log
        with log.open("wb") as counters:
            self.process = subprocess.Popen(
                [binary, "-c", "-u", "root", f"127.0.0.1:{self.port}", str(backlog)],
                stdout=counters,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
        self.received = 0
        # (monotonic time, count) each time the count rose.
        self.arrivals: list[tuple[float, int]] = []
        self._changed = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    @property
    def url(self) -> str:
        """The EMAIL_URL that sends here."""
        return f"smtp://127.0.0.1:{self.port}"

    def _read(self) -> None:
        pending = b""
        with self.log.open("rb") as counters:
            while self.process.poll() is None:
                chunk = counters.read()
                if not chunk:
                    time.sleep(POLL_SECONDS)
                    continue
                now = time.monotonic()
                # Each update ends in a carriage return (a newline on some builds).
                lines = LINE_END.split(pending + chunk)
                pending = lines.pop()  # an update not yet complete
                counts = [int(match.group(1)) for match in map(COUNTER.search, lines) if match]
                with self._changed:
                    if counts and max(counts) > self.received:
                        self.received = max(counts)
                        self.arrivals.append((now, self.received))
                        self._changed.notify_all()

    def wait_for(self, count: int, timeout: float) -> float:
        """Block until `count` messages have arrived; the monotonic time the last of them did."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while self.received < count:
                left = deadline - time.monotonic()
                if left <= 0 or self.process.poll() is not None:
                    raise TimeoutError(
                        f"bench: {self.received} messages arrived at the sink, waited for {count}"
                    )
                self._changed.wait(timeout=min(left, 1.0))
            return next(when for when, seen in self.arrivals if seen >= count)

    def stop(self) -> None:
        """Stop the sink (it was started here, in its own process group)."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

"""The gateway side of ``bench.sms``: a real Kannel whose fakesmsc output is
counted as it arrives, the gateway's own limit by a plain sendsms loop, the
delivery-report stub, and the fictional numbers texted.

Kept apart from ``bench.sms`` (Faro's side: its database, workers and
alerts) so each module reads as one half of the comparison.
"""

from __future__ import annotations

import subprocess
import threading
import time
from pathlib import Path

import requests

from bench.alerts import wait_until
from bench.support import PYTHON, ROOT, free_port, reachable
from tests.sms.kannel import KannelGateway

LOOP_THREADS = 4
# One GSM-7 segment, so each text is one "Got message" at fakesmsc.
BULK_TEXT = "Faro alert: federal agents reported near the subway station. Stay calm, you have rights. Do not open the door without a judge's warrant."
URGENT_TEXT = "URGENT Faro alert: checkpoint at 4th Avenue and 45th Street. Avoid the area."
# Fictional numbers: 555-0100 to 555-0199 in any North American area code.
URGENT_NUMBER = "+12125550199"


def number(index: int) -> str:
    """The index-th fictional number (+1 NPA 555 01XX, NPA from 301 on: apart
    from URGENT_NUMBER and Faro's own, in 212; up to 69,800 of them)."""
    return f"+1{301 + index // 100}55501{index % 100:02d}"


class CountingGateway(KannelGateway):
    """The test gateway, with fakesmsc's output written to ``fakesmsc.log``
    and only counted here (with the time each text arrived), not kept."""

    def __init__(self, folder: Path, incoming_url: str):
        super().__init__(folder, incoming_url)
        self.times: list[float] = []
        self.watched: dict[bytes, float] = {}
        self._changed = threading.Condition()

    def _read_fakesmsc(self) -> None:
        with (self.folder / "fakesmsc.log").open("wb") as log:
            for raw in self.fakesmsc.stdout:
                now = time.monotonic()
                log.write(raw)
                if b"Got message" not in raw:
                    continue
                with self._changed:
                    self.times.append(now)
                    for marker in self.watched:
                        if not self.watched[marker] and marker in raw:
                            self.watched[marker] = now
                    self._changed.notify_all()

    @property
    def arrived(self) -> int:
        """Texts fakesmsc has received so far."""
        return len(self.times)

    def watch(self, marker: bytes) -> None:
        """Note when a text whose line holds ``marker`` first arrives."""
        with self._changed:
            self.watched[marker] = 0.0

    def wait_for(self, count: int, timeout: float) -> float:
        """Block until ``count`` texts have arrived; the monotonic time the last of them did."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while len(self.times) < count:
                left = deadline - time.monotonic()
                if left <= 0 or self.fakesmsc.poll() is not None:
                    raise TimeoutError(
                        f"bench: {len(self.times)} texts arrived at fakesmsc, waited for {count}"
                    )
                self._changed.wait(timeout=min(left, 1.0))
            return self.times[count - 1]

    def wait_for_marker(self, marker: bytes, timeout: float) -> float:
        """Block until the watched ``marker`` has arrived; the monotonic time it did."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while not self.watched[marker]:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"bench: {marker!r} did not arrive at fakesmsc")
                self._changed.wait(timeout=min(left, 1.0))
            return self.watched[marker]


def gateway_limit(gateway: CountingGateway, count: int) -> dict:
    """N texts straight into sendsms by LOOP_THREADS threads; texts per second at fakesmsc.

    Each request is the one KannelBackend makes for the text (same text,
    sender, coding, delivery-report URL with a reference of its own).
    """
    from advocacy.sms.backends import sms_backend

    backend = sms_backend()
    refused: list[str] = []

    def push(first: int) -> None:
        with requests.Session() as session:
            for index in range(first, count, LOOP_THREADS):
                answer = session.get(
                    backend.endpoint,
                    params=backend.query(number(index), BULK_TEXT, f"loop-{index}"),
                    timeout=30,
                )
                if answer.status_code not in (200, 202):
                    refused.append(f"{answer.status_code} {answer.text[:100]}")
                    return

    before = gateway.arrived
    started = time.monotonic()
    threads = [threading.Thread(target=push, args=(n,)) for n in range(LOOP_THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=count / 20 + 120)
    if refused:
        raise RuntimeError(f"bench: sendsms refused a text: {refused[0]}")
    last = gateway.wait_for(before + count, timeout=count / 20 + 120)
    time.sleep(1)  # a text handed over twice would arrive after the last one expected
    arrived = gateway.arrived - before
    if arrived != count:
        raise RuntimeError(f"bench: {arrived} texts arrived at fakesmsc for {count} sent")
    first = gateway.times[before]
    return {
        "texts": count,
        "arrived_at_fakesmsc": arrived,
        "threads": LOOP_THREADS,
        "seconds_first_to_last_arrival": round(last - first, 2),
        "texts_per_second": round((count - 1) / (last - first), 1),
        "seconds_from_first_request": round(last - started, 2),
    }


def start_stub(var_dir: Path) -> tuple[subprocess.Popen, str]:
    """bench/http_stub.py on a free port; the process and its base URL."""
    port = free_port()
    process = subprocess.Popen(
        [PYTHON, "-m", "bench.http_stub", str(port)],
        cwd=ROOT,
        stdout=(var_dir / "stub.log").open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    wait_until(lambda: reachable("127.0.0.1", port), timeout=30, what="the callback stub")
    return process, f"http://127.0.0.1:{port}"
